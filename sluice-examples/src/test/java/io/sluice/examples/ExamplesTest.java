package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExamplesTest {

    @TempDir
    Path dir;

    private String run(String name) throws Exception {
        StringWriter text = new StringWriter();
        Examples.run(name, null, dir, new PrintWriter(text, true));
        return text.toString();
    }

    @Test
    void wordCountRanksTheBundledText() throws Exception {
        assertThat(run("wordcount"))
                .contains("Top words of ")
                .containsPattern("the\\s+1[0-9]\\n")
                .contains("Deployment wordcount-local-")
                .contains(": COMPLETED");
    }

    @Test
    void revenuePrintsEveryAggregator() throws Exception {
        assertThat(run("revenue")).contains("company", "partnerTotal", "yourTotal", "budgetTotal", "COMPLETED");
    }

    @Test
    void airportsWritesItsFile() throws Exception {
        assertThat(run("airports")).contains("45 airport pairs, written to " + dir.resolve("airport-distances.txt"));
    }

    @Test
    void unknownExampleListsTheKnownOnes() {
        assertThatThrownBy(() -> run("nope"))
                .hasMessage("Example 'nope' does not exist; examples: [wordcount, revenue, airports]");
    }
}
