package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The typed layer's promise, checked with the real compiler: a graph whose producer and consumer disagree on a type
 * does not compile, and the compiler says where. Each snippet is compiled against Sluice's classes as a user's code
 * would be; the first one is correct, so that the harness itself is shown to compile good code.
 */
class FlowCompileCheckTest {

    private static final String PRELUDE = """
            import io.sluice.*;
            import java.nio.file.Path;
            import java.util.List;
            class Snippet {
                record Payment(String account, long cents) {}
                static final Port<Payment> REJECTED = Port.of("rejected");
                void graph(Path path) {
                    Flow flow = Flow.named("snippet");
                    Stage<String> lines = flow.read("lines", Sources.lines(path));
            """;

    @TempDir
    Path out;

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a correct graph|End<Integer> e = lines.map(\"len\", String::length).to(\"out\", Sinks.collect());|",
                "a source of numbers as a stage of text"
                        + "|Stage<String> s = flow.read(\"n\", Sources.collection(List.of(1, 2)));|incompatible types",
                "a function of the wrong type on an edge|lines.map(\"twice\", (Integer i) -> i * 2);|incompatible",
                "an end node's handle of the wrong type|End<Long> e = lines.to(\"out\", Sinks.collect());"
                        + "|incompatible types",
                "a node class taking another type|lines.then(\"n\", new Node<Integer, String>() {"
                        + " public void process(Integer i, Emitter<String> e) {} });|no suitable method",
                "a wrong item on a typed port|Node<String, String> n = (item, emitter) -> emitter.emit(REJECTED, item);"
                        + "|no suitable method",
                "a keyed edge whose key reads another type|lines.keyBy((Payment p) -> p.account());|incompatible",
                "merging stages of different types|Stage<String> m = flow.merge(\"m\", lines,"
                        + " lines.map(\"len\", String::length));|incompatible types",
                "a correct sub-graph|Stage<Integer> n = lines.then(SubGraph.of(\"len\", (Stage<String> in) ->"
                        + " in.map(\"len\", String::length)));|",
                "a sub-graph taking another type|lines.then(SubGraph.of(\"twice\", (Stage<Integer> in) ->"
                        + " in.map(\"twice\", (Integer i) -> i * 2)));|no suitable method",
                "a sub-graph's output as a stage of another type|Stage<String> s = lines.then(SubGraph.of(\"len\","
                        + " (Stage<String> in) -> in.map(\"len\", String::length)));|incompatible types",
                "branches of another type merged|Stage<String> m = lines.broadcast(SubGraph.of(\"len\","
                        + " (Stage<String> in) -> in.map(\"len\", String::length))).merge(\"m\");|incompatible types",
                "a branch taking another type|lines.broadcast(SubGraph.of(\"twice\", (Stage<Integer> in) ->"
                        + " in.map(\"twice\", (Integer i) -> i * 2)));|cannot be applied",
            })
    void typeMistakesDoNotCompile(String what, String statement, String expected) throws Exception {
        List<Diagnostic<? extends JavaFileObject>> errors = compile(PRELUDE + "        " + statement + "\n    }\n}\n");

        if (expected == null) {
            assertThat(errors).as(what).isEmpty();
        } else {
            assertThat(errors).as(what).isNotEmpty();
            String message = errors.get(0).getMessage(Locale.ROOT);
            assertThat(message).as(what).contains(expected);
            assertThat(errors.get(0).getLineNumber())
                    .as(what + ": the line of the mistake")
                    .isEqualTo(10);
        }
    }

    private List<Diagnostic<? extends JavaFileObject>> compile(String source) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file =
                new SimpleJavaFileObject(URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
        Files.createDirectories(out);
        List<String> options =
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none");
        compiler.getTask(new StringWriter(), null, diagnostics, options, null, List.of(file))
                .call();
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .collect(Collectors.toList());
    }
}
