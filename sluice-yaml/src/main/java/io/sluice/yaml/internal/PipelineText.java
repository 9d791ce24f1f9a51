package io.sluice.yaml.internal;

import io.sluice.yaml.PipelineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a pipeline file's text: at most {@value Limits#FILE_BYTES} bytes of UTF-8. A file that is larger, or that is
 * not UTF-8, is refused with its name and, for bad bytes, their line and byte offset — before any YAML is parsed.
 */
final class PipelineText {

    private PipelineText() {}

    /** @throws PipelineException naming the file and what is wrong with it */
    static String read(Path path, String file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            // One byte more than allowed tells a file at the limit from a larger one, without reading a huge file.
            bytes = in.readNBytes(Limits.FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw Problems.single(path.toString(), path + ": no such file");
        } catch (AccessDeniedException e) {
            throw Problems.single(path.toString(), path + ": cannot be read: permission denied");
        } catch (IOException e) {
            String why = Files.isDirectory(path) ? "it is a directory" : e.getMessage();
            throw Problems.single(path.toString(), path + ": cannot be read: " + why);
        }
        if (bytes.length > Limits.FILE_BYTES) {
            throw Problems.single(
                    file,
                    file + ": the file is larger than " + Limits.FILE_BYTES / (1024 * 1024)
                            + " MB, the most a pipeline file may hold; a pipeline describes a graph, its data belongs"
                            + " in files its sources read");
        }
        return decode(bytes, file);
    }

    private static String decode(byte[] bytes, String file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw Problems.single(
                    file,
                    file + ":" + line + ": the byte 0x" + String.format("%02X", bytes[offset] & 0xFF) + " at offset "
                            + offset + " is not UTF-8; pipeline files must be UTF-8 text (save it as UTF-8)");
        }
        try {
            CoderResult flushed = decoder.flush(out);
            if (flushed.isError()) {
                flushed.throwException();
            }
        } catch (CharacterCodingException e) {
            throw Problems.single(file, file + ": the file is not UTF-8; pipeline files must be UTF-8 text");
        }
        out.flip();
        String text = out.toString();
        // A byte order mark is allowed, and not part of the text.
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
