package io.sluice.connectors.s3.internal;

import io.sluice.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns what the SDK throws into one message for people: what failed (the source or sink and its location), what it
 * was doing, and the likely cause — missing bucket, access denied, unreachable endpoint — with where the requests went.
 * The SDK's own messages carry no credentials, and neither do these.
 */
public final class Failures {

    private Failures() {}

    /**
     * The failure of {@code doing} as a {@link SluiceException}.
     *
     * @param subject what failed: {@code S3 source 's3://b/p'}
     * @param doing what it was doing, a phrase: {@code listing the objects under 'p/'}
     */
    public static SluiceException of(String subject, String doing, Throwable e, S3Connection s3, String bucket) {
        return new SluiceException(message(subject, doing, e, s3, bucket), e);
    }

    static String message(String subject, String doing, Throwable e, S3Connection s3, String bucket) {
        if (e instanceof S3Exception s3e) {
            String code =
                    s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            String text = s3e.awsErrorDetails() == null
                    ? s3e.getMessage()
                    : s3e.awsErrorDetails().errorMessage();
            if ("NoSuchBucket".equals(code)) {
                return subject + ": bucket '" + bucket + "' does not exist at " + s3.where() + " (while " + doing
                        + "); create it, or correct the location";
            }
            if (s3e.statusCode() == 403) {
                return subject + ": access denied while " + doing + " at " + s3.where() + " (" + code + "): the"
                        + " credentials in use (AWS_ACCESS_KEY_ID, AWS_PROFILE or the role of the process) are wrong"
                        + " or not allowed to";
            }
            return subject + ": " + doing + " failed at " + s3.where() + ": " + s3e.statusCode()
                    + (code == null ? "" : " " + code) + (text == null ? "" : ": " + text);
        }
        Throwable network = networkCause(e);
        if (network != null) {
            return subject + ": cannot reach " + s3.where() + " within " + seconds(s3) + " (3 tries) while " + doing
                    + ": "
                    + network.getClass().getSimpleName()
                    + (network.getMessage() == null ? "" : ": " + network.getMessage());
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return subject + ": no AWS credentials found while " + doing + ": set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role";
        }
        String what = e instanceof SdkException || e instanceof IOException || e instanceof UncheckedIOException
                ? String.valueOf(e.getMessage())
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return subject + ": " + doing + " failed at " + s3.where() + ": " + what;
    }

    private static String seconds(S3Connection s3) {
        long millis = s3.timeout().toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** The cause in {@code e}'s chain that says the endpoint could not be reached, or {@code null}. */
    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException
                    || t instanceof ApiCallTimeoutException
                    || t instanceof ApiCallAttemptTimeoutException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Whether {@code e} is S3's answer that an object or upload does not exist. */
    public static boolean notFound(Throwable e) {
        return e instanceof S3Exception s3e && s3e.statusCode() == 404;
    }
}
