package io.sluice.connectors.s3.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.SluiceException;
import io.sluice.connectors.s3.Format;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * The records of one object in one {@link Format}, read as a stream. Every problem — bytes that are not UTF-8, a line
 * that is not a JSON object, a CSV row that does not fit the header — is a {@link SluiceException} naming the object
 * and the line, never a skipped record.
 *
 * <p>Not thread-safe: one reader per object, on the node's thread.
 */
abstract sealed class RecordReader<T> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    final String subject; // "S3 source 's3://b/p': object 'p/x.csv'"
    final StrictLines lines;

    private RecordReader(String subject, StrictLines lines) {
        this.subject = subject;
        this.lines = lines;
    }

    /**
     * A reader of {@code in}, gunzipped first if {@code gzip}.
     *
     * @param subject the object as messages name it: {@code S3 source 's3://b/p': object 'p/x.csv'}
     */
    @SuppressWarnings("unchecked")
    static <T> RecordReader<T> open(Format<T> format, InputStream in, boolean gzip, String subject) throws IOException {
        InputStream data = gzip ? new GZIPInputStream(new MembersInput(in), 64 * 1024) : in;
        StrictLines lines = new StrictLines(data);
        if (format == Format.LINES) {
            return (RecordReader<T>) new Lines(subject, lines);
        }
        if (format == Format.JSON_LINES) {
            return (RecordReader<T>) new JsonLines(subject, lines);
        }
        return (RecordReader<T>) new Csv(subject, lines);
    }

    /** The next record, or {@code null} after the last one. */
    abstract T next() throws IOException;

    void close() throws IOException {
        lines.close();
    }

    /** The problem {@code problem} at {@code line}, naming the object. */
    SluiceException problem(long line, String problem) {
        return new SluiceException(subject + " line " + line + ": " + problem);
    }

    /** {@code e} if it is about the text itself (invalid UTF-8), as a problem at its line; otherwise {@code null}. */
    SluiceException textProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StrictLines.InvalidText invalid) {
                return problem(invalid.line, invalid.getMessage() + " (at byte " + invalid.offset + " of the line)");
            }
        }
        return null;
    }

    /** The next line, its invalid bytes a problem at its line. */
    String line() throws IOException {
        try {
            return lines.next();
        } catch (StrictLines.InvalidText e) {
            throw textProblem(e);
        }
    }

    /** One {@code String} per line. */
    static final class Lines extends RecordReader<String> {
        Lines(String subject, StrictLines lines) {
            super(subject, lines);
        }

        @Override
        String next() throws IOException {
            return line();
        }
    }

    /** One {@code Map} per line holding a JSON object; blank lines are skipped. */
    static final class JsonLines extends RecordReader<Map<String, Object>> {
        JsonLines(String subject, StrictLines lines) {
            super(subject, lines);
        }

        @Override
        Map<String, Object> next() throws IOException {
            String line;
            do {
                line = line();
                if (line == null) {
                    return null;
                }
            } while (line.isBlank());
            try (JsonParser parser = JSON.createParser(line)) {
                JsonToken first = parser.nextToken();
                if (first != JsonToken.START_OBJECT) {
                    throw problem(lines.number(), "expected a JSON object but found " + describe(first, line));
                }
                Map<String, Object> record = JSON.readValue(parser, MAP);
                JsonToken after = parser.nextToken();
                if (after != null) {
                    throw problem(lines.number(), "expected one JSON object per line but found more after it");
                }
                return record;
            } catch (JsonProcessingException e) {
                throw problem(lines.number(), "not valid JSON: " + e.getOriginalMessage());
            }
        }

        private static String describe(JsonToken token, String line) {
            String start = line.strip();
            return (token == JsonToken.START_ARRAY
                            ? "an array"
                            : "'" + start.substring(0, Math.min(start.length(), 40)))
                    + (token == JsonToken.START_ARRAY ? "" : (start.length() > 40 ? "…'" : "'"));
        }
    }

    /** One {@code Map} from column name to value per CSV record, under the header of the first line. */
    static final class Csv extends RecordReader<Map<String, String>> {
        private static final CSVFormat FORMAT = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .setAllowMissingColumnNames(false)
                .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
                .get();

        private CSVParser parser;
        private Iterator<CSVRecord> records;
        private List<String> header;
        private long breaksRead = 1; // line breaks the parser had read after the last good record (or the header)

        Csv(String subject, StrictLines lines) {
            super(subject, lines);
        }

        @Override
        Map<String, String> next() throws IOException {
            if (parser == null) {
                try {
                    parser = CSVParser.builder()
                            .setReader(lines.reader())
                            .setFormat(FORMAT)
                            .get();
                } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                    throw malformed(e, 1);
                }
                header = parser.getHeaderNames();
                records = parser.iterator();
            }
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
                lines.lineAt(record.getCharacterPosition()); // forget the lines before it
            } catch (UncheckedIOException | IllegalStateException e) {
                throw malformed(e, breaksRead + 1); // where the record after the last good one begins
            }
            breaksRead = parser.getCurrentLineNumber();
            if (record.size() != header.size()) {
                throw problem(
                        line(record),
                        "malformed CSV record: expected " + header.size() + " fields as in the header " + header
                                + " but found " + record.size());
            }
            Map<String, String> map = new LinkedHashMap<>(header.size() * 2);
            for (int i = 0; i < header.size(); i++) {
                map.put(header.get(i), record.get(i));
            }
            return map;
        }

        /** The line a record begins on. */
        private long line(CSVRecord record) {
            return lines.lineAt(record.getCharacterPosition());
        }

        private SluiceException malformed(Exception e, long line) {
            SluiceException text = textProblem(e);
            if (text != null) {
                return text;
            }
            Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
            String message = String.valueOf(cause.getMessage()).replaceFirst("^\\((start)?line \\d+\\) ", "");
            return problem(line, "malformed CSV: " + message);
        }

        @Override
        void close() throws IOException {
            if (parser != null) {
                parser.close();
            } else {
                super.close();
            }
        }
    }

    /**
     * The input of a {@link GZIPInputStream} that reads every member of a file of concatenated gzip members (a sink
     * writes one per checkpoint): before Java 23, {@code GZIPInputStream} stops after a member whenever its input's
     * {@code available()} says 0 — as a network stream often does — and would end the file early without a word. Here
     * {@code available()} is 0 only at the true end.
     */
    static final class MembersInput extends FilterInputStream {
        private int peeked = -2; // a byte read ahead by available(), -1 at the end, -2 for none

        MembersInput(InputStream in) {
            super(in);
        }

        @Override
        public int available() throws IOException {
            if (peeked == -2) {
                peeked = in.read();
            }
            return peeked < 0 ? 0 : 1;
        }

        @Override
        public int read() throws IOException {
            if (peeked != -2) {
                int b = peeked;
                peeked = b < 0 ? -1 : -2;
                return b;
            }
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (peeked != -2) {
                if (peeked < 0) {
                    return -1;
                }
                b[off] = (byte) peeked;
                peeked = -2;
                int more = len > 1 ? in.read(b, off + 1, len - 1) : 0;
                return 1 + Math.max(more, 0);
            }
            return in.read(b, off, len);
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            if (peeked != -2) {
                if (peeked < 0) {
                    return 0;
                }
                peeked = -2;
                return 1 + in.skip(n - 1);
            }
            return in.skip(n);
        }
    }
}
