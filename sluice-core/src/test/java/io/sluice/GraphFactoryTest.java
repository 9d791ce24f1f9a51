package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphFactoryTest {

    public static final class Tiny implements GraphFactory {
        @Override
        public ComputationalGraph create() {
            return ComputationalGraph.builder("tiny")
                    .start("in", Sources.collection(List.of(1)))
                    .end("out", Sinks.collect())
                    .edge("in -> out")
                    .build();
        }
    }

    @Test
    void loadsAFactoryByClassName() {
        assertThat(GraphFactory.load(Tiny.class.getName()).name()).isEqualTo("tiny");
    }

    @Test
    void unknownClassSaysWhichClassAndClassPath() {
        assertThatThrownBy(() -> GraphFactory.load("com.example.Nope"))
                .hasMessageStartingWith("Graph factory class 'com.example.Nope' was not found on the class path ")
                .hasMessageEndingWith("; check the name and that its jar is on the class path");
    }

    @Test
    void classThatIsNoFactoryIsRefused() {
        assertThatThrownBy(() -> GraphFactory.load(String.class.getName()))
                .hasMessage("Class 'java.lang.String' is not a GraphFactory; implement io.sluice.GraphFactory and its"
                        + " create() method");
    }
}
