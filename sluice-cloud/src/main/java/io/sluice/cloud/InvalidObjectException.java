package io.sluice.cloud;

/**
 * An object that does not match its {@link ObjectType}: a required field missing, or a field of another kind. The
 * message names the type and the field: {@code object of type 'Order': field 'amount' must be a number but found
 * string "ten"}.
 */
public final class InvalidObjectException extends CloudException {

    private static final long serialVersionUID = 1L;

    private final String type;
    private final String field;
    private final String problem;

    /** An exception about {@code field} of an object of {@code type}. */
    public InvalidObjectException(String type, String field, String problem) {
        super("object of type '" + type + "': field '" + field + "' " + problem);
        this.type = type;
        this.field = field;
        this.problem = problem;
    }

    /** The type the object was pushed as. */
    public String type() {
        return type;
    }

    /** The field that does not match; {@code (root)} when the object is not a JSON object. */
    public String field() {
        return field;
    }

    /** What is wrong with the field: {@code must be a number but found string "ten"}. */
    public String problem() {
        return problem;
    }
}
