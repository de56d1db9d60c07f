package org.pgwarden;

import java.util.ArrayList;
import java.util.List;

/** Measurements of one figure; the benchmark reports their median. */
final class Samples {

    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    int size() {
        return values.size();
    }

    double median() {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The ratio of each pair of samples taken together, a[i] / b[i]. */
    static Samples ratios(Samples a, Samples b) {
        Samples ratios = new Samples();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            ratios.add(a.values.get(i) / b.values.get(i));
        }
        return ratios;
    }
}
