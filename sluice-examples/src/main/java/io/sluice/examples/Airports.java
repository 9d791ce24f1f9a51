package io.sluice.examples;

import io.sluice.ComputationalGraph;
import io.sluice.Emitter;
import io.sluice.Flow;
import io.sluice.Node;
import io.sluice.Sinks;
import io.sluice.Sources;
import io.sluice.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The airport pipeline of the consecution notes: the ten busiest airports of the United States → every pair → the
 * great-circle distance of each pair → a file writer and a collector, each taking every distance.
 *
 * <pre>
 * airports ─► pairs ─► distance (×2) ─global─► file
 *                                             └─► collected
 * </pre>
 */
public final class Airports {

    /** An airport and where it is, in degrees. */
    public record Airport(String code, double latitude, double longitude) {}

    /** Two airports. */
    public record Pair(Airport from, Airport to) {}

    /** The great-circle distance between two airports. */
    public record Distance(String from, String to, double kilometres) {
        @Override
        public String toString() {
            return from + "-" + to + " " + String.format(java.util.Locale.ROOT, "%.0f km", kilometres);
        }
    }

    /** The ten busiest airports of the United States by passengers, with their reference points. */
    public static final List<Airport> BUSIEST = List.of(
            new Airport("ATL", 33.6407, -84.4277),
            new Airport("DFW", 32.8998, -97.0403),
            new Airport("DEN", 39.8561, -104.6737),
            new Airport("ORD", 41.9742, -87.9073),
            new Airport("LAX", 33.9416, -118.4085),
            new Airport("JFK", 40.6413, -73.7781),
            new Airport("LAS", 36.0840, -115.1537),
            new Airport("MCO", 28.4312, -81.3081),
            new Airport("MIA", 25.7959, -80.2870),
            new Airport("CLT", 35.2144, -80.9473));

    /** The mean radius of the Earth, in kilometres. */
    static final double EARTH_RADIUS_KM = 6371.0088;

    private Airports() {}

    public static ComputationalGraph graph(List<Airport> airports, Path output) {
        Flow flow = Flow.named("airports");
        Stage<Distance> distances = flow.read("airports", Sources.collection(airports))
                .then("pairs", AllPairs::new)
                .rebalance()
                .map("distance", p -> new Distance(p.from().code(), p.to().code(), kilometres(p.from(), p.to())))
                .parallelism(2)
                .global();
        distances.to("file", Sinks.lines(output));
        distances.to("collected", Sinks.collect());
        return flow.build();
    }

    /** Pairs each airport with every one seen before it, so each unordered pair is emitted once. */
    static final class AllPairs implements Node<Airport, Pair> {
        private final List<Airport> seen = new ArrayList<>();

        @Override
        public void process(Airport airport, Emitter<Pair> emitter) {
            for (Airport earlier : seen) {
                emitter.emit(new Pair(earlier, airport));
            }
            seen.add(airport);
        }
    }

    /** The haversine great-circle distance. */
    static double kilometres(Airport a, Airport b) {
        double lat1 = Math.toRadians(a.latitude());
        double lat2 = Math.toRadians(b.latitude());
        double dLat = lat2 - lat1;
        double dLon = Math.toRadians(b.longitude() - a.longitude());
        double h = Math.pow(Math.sin(dLat / 2), 2) + Math.cos(lat1) * Math.cos(lat2) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
    }
}
