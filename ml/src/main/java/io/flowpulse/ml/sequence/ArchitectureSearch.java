package io.flowpulse.ml.sequence;

import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.LabelledTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Architecture search for the 1-D CNN ({@link CnnArchitecture}) over a space like AutoML4ETC's:
 * input length N, blocks, filters, kernel sizes, pooling, convolutions per block, global pooling,
 * dense units. Two strategies:
 * <ul>
 *   <li>{@code random}: independent draws from the space (the baseline every NAS paper reports);
 *   <li>{@code evolution}: regularized evolution (Real et al., AAAI'19): a population of the last
 *       P candidates; each step draws S of them, mutates one gene of the best, and retires the
 *       oldest (not the worst), which keeps the search from over-trusting a lucky early score.
 * </ul>
 * Every candidate is trained for a few epochs on the search-train table and scored on the
 * validation table (both sides of a grouped split, never the final test groups); its accuracy,
 * macro F1, parameter count and batched inference time per flow are reported. Deterministic for
 * a seed: the same candidates in the same order with the same scores (training runs on one
 * thread); the time budget only decides how many are tried. Plain Java, no Flink.
 */
public final class ArchitectureSearch {
    /** What to search over and how long. */
    public static final class Params {
        public final String strategy;
        public final long budgetNanos;
        public final int maxCandidates;
        public final long seed;
        public final int epochs;
        public final int[] inputLengths;
        public final int population;
        public final int sample;
        /** First-bytes input given to every candidate (0 packets: none), see {@link CnnArchitecture#bytePackets}. */
        public int bytePackets;
        public int byteLength;

        /** These parameters with every candidate taking the first {@code packets x length} bytes too. */
        public Params withFirstBytes(int packets, int length) {
            Params q = new Params(strategy, budgetNanos, maxCandidates, seed, epochs, inputLengths, population, sample);
            q.bytePackets = packets;
            q.byteLength = length;
            return q;
        }

        public Params(String strategy, long budgetNanos, int maxCandidates, long seed, int epochs, int[] inputLengths,
                int population, int sample) {
            if (!strategy.equals("random") && !strategy.equals("evolution")) {
                throw new IllegalArgumentException("strategy random or evolution, not " + strategy);
            }
            if (inputLengths.length == 0 || population < 2 || sample < 1 || sample > population) {
                throw new IllegalArgumentException("input lengths, population >= 2 and 1 <= sample <= population");
            }
            this.strategy = strategy;
            this.budgetNanos = budgetNanos;
            this.maxCandidates = maxCandidates;
            this.seed = seed;
            this.epochs = epochs;
            this.inputLengths = inputLengths.clone();
            this.population = population;
            this.sample = sample;
        }
    }

    /** One trained and scored candidate. */
    public static final class Candidate {
        public final int index;
        public final String origin;
        public final CnnArchitecture architecture;
        public final double accuracy;
        public final double macroF1;
        public final long parameters;
        public final long macs;
        public final double microsPerFlow;
        public final double trainSeconds;

        Candidate(int index, String origin, CnnArchitecture architecture, double accuracy, double macroF1, long parameters,
                int classes, double microsPerFlow, double trainSeconds) {
            this.index = index;
            this.origin = origin;
            this.architecture = architecture;
            this.accuracy = accuracy;
            this.macroF1 = macroF1;
            this.parameters = parameters;
            this.macs = architecture.macsPerFlow(classes);
            this.microsPerFlow = microsPerFlow;
            this.trainSeconds = trainSeconds;
        }

        public static String csvHeader() {
            return "index,strategy_origin,architecture,input_length,blocks,parameters,macs_per_flow,val_accuracy,val_macro_f1,"
                    + "inference_us_per_flow,train_seconds,pareto";
        }

        public String csv(boolean pareto) {
            // the architecture line has commas between blocks: quoted
            return String.format(java.util.Locale.ROOT, "%d,%s,\"%s\",%d,%d,%d,%d,%.6f,%.6f,%.3f,%.2f,%s", index, origin,
                    architecture, architecture.inputLength, architecture.blocks(), parameters, macs, accuracy, macroF1, microsPerFlow,
                    trainSeconds, pareto);
        }
    }

    static final int[] FILTERS = {8, 16, 32, 64};
    static final int[] KERNELS = {3, 5, 7};
    static final int[] DENSE = {0, 16, 32, 64};
    static final CnnArchitecture.Pool[] POOLS = CnnArchitecture.Pool.values();

    private ArchitectureSearch() {}

    /** A random architecture of the space. */
    public static CnnArchitecture sample(SplittableRandom r, int[] inputLengths) {
        int blocks = 1 + r.nextInt(3);
        int[] f = new int[blocks];
        int[] k = new int[blocks];
        CnnArchitecture.Pool[] p = new CnnArchitecture.Pool[blocks];
        for (int b = 0; b < blocks; b++) {
            f[b] = FILTERS[r.nextInt(FILTERS.length)];
            k[b] = KERNELS[r.nextInt(KERNELS.length)];
            p[b] = POOLS[r.nextInt(POOLS.length)];
        }
        return new CnnArchitecture(inputLengths[r.nextInt(inputLengths.length)], f, k, p, 1 + r.nextInt(2),
                r.nextBoolean() ? CnnArchitecture.Pool.MAX : CnnArchitecture.Pool.AVG, DENSE[r.nextInt(DENSE.length)]);
    }

    /** The architecture with one gene changed (input length, a block's width/kernel/pooling, a block added or removed, depth, global pooling, dense). */
    public static CnnArchitecture mutate(CnnArchitecture a, SplittableRandom r, int[] inputLengths) {
        int n = a.inputLength;
        int[] f = a.filters.clone();
        int[] k = a.kernels.clone();
        CnnArchitecture.Pool[] p = a.pools.clone();
        int convs = a.convsPerBlock;
        CnnArchitecture.Pool global = a.global;
        int dense = a.dense;
        int b = r.nextInt(f.length);
        switch (r.nextInt(8)) {
            case 0:
                n = inputLengths[r.nextInt(inputLengths.length)];
                break;
            case 1:
                f[b] = FILTERS[r.nextInt(FILTERS.length)];
                break;
            case 2:
                k[b] = KERNELS[r.nextInt(KERNELS.length)];
                break;
            case 3:
                p[b] = POOLS[r.nextInt(POOLS.length)];
                break;
            case 4:
                if (f.length < 3 && (f.length == 1 || r.nextBoolean())) {
                    f = java.util.Arrays.copyOf(f, f.length + 1);
                    k = java.util.Arrays.copyOf(k, k.length + 1);
                    p = java.util.Arrays.copyOf(p, p.length + 1);
                    f[f.length - 1] = FILTERS[r.nextInt(FILTERS.length)];
                    k[k.length - 1] = KERNELS[r.nextInt(KERNELS.length)];
                    p[p.length - 1] = POOLS[r.nextInt(POOLS.length)];
                } else {
                    f = java.util.Arrays.copyOf(f, f.length - 1);
                    k = java.util.Arrays.copyOf(k, k.length - 1);
                    p = java.util.Arrays.copyOf(p, p.length - 1);
                }
                break;
            case 5:
                convs = convs == 1 ? 2 : 1;
                break;
            case 6:
                global = global == CnnArchitecture.Pool.MAX ? CnnArchitecture.Pool.AVG : CnnArchitecture.Pool.MAX;
                break;
            default:
                dense = DENSE[r.nextInt(DENSE.length)];
        }
        return new CnnArchitecture(n, f, k, p, convs, global, dense);
    }

    /**
     * Runs the search; {@code progress} sees every candidate as it is scored. Returns them all, in
     * order.
     */
    public static List<Candidate> run(LabelledTable train, LabelledTable validation, Params p, SequenceCnnTrainer.Params training,
            Consumer<Candidate> progress) {
        long deadline = System.nanoTime() + p.budgetNanos;
        SplittableRandom r = new SplittableRandom(p.seed);
        List<Candidate> all = new ArrayList<>();
        Deque<Candidate> population = new ArrayDeque<>();
        Set<CnnArchitecture> seen = new HashSet<>();
        while (all.size() < p.maxCandidates && System.nanoTime() < deadline) {
            CnnArchitecture a;
            String origin;
            if (p.strategy.equals("random") || population.size() < p.population) {
                a = sample(r, p.inputLengths);
                origin = p.strategy.equals("random") ? "random" : "evolution-init";
            } else {
                List<Candidate> members = new ArrayList<>(population);
                Candidate parent = null;
                for (int s = 0; s < p.sample; s++) {
                    Candidate c = members.get(r.nextInt(members.size()));
                    if (parent == null || c.macroF1 > parent.macroF1) {
                        parent = c;
                    }
                }
                a = mutate(parent.architecture, r, p.inputLengths);
                origin = "evolution-child-of-" + parent.index;
            }
            if (p.bytePackets > 0) {
                a = a.withBytes(Math.min(p.bytePackets, a.inputLength), p.byteLength);
            }
            if (!seen.add(a)) {
                // trained already: a new draw costs nothing, the same training again costs minutes
                if (seen.size() > 10_000) {
                    break;
                }
                continue;
            }
            Candidate c = evaluate(all.size(), origin, a, train, validation,
                    new SequenceCnnTrainer.Params(p.epochs, training.batchSize, training.learningRate, p.seed + all.size()), deadline);
            all.add(c);
            population.addLast(c);
            if (population.size() > p.population) {
                population.removeFirst();
            }
            progress.accept(c);
        }
        return all;
    }

    /** Trains one architecture and scores it on the validation table, with its batched inference time. */
    public static Candidate evaluate(int index, String origin, CnnArchitecture a, LabelledTable train, LabelledTable validation,
            SequenceCnnTrainer.Params training, long deadlineNanos) {
        long t0 = System.nanoTime();
        try (SequenceCnnModel m = SequenceCnnTrainer.train(train, a, training, deadlineNanos)) {
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            ClassificationMetrics metrics = ClassificationMetrics.evaluate(m, validation);
            return new Candidate(index, origin, a, metrics.accuracy(), metrics.macroF1(), m.parameterCount(), m.labels().size(),
                    microsPerFlow(m, validation, 256), trainSeconds);
        }
    }

    /** Batched inference time per flow (µs), best of 3 passes over the table in batches. */
    public static double microsPerFlow(SequenceCnnModel m, LabelledTable data, int batch) {
        List<String> names = m.featureSchema().names();
        int[] col = new int[names.size()];
        for (int i = 0; i < col.length; i++) {
            col[i] = data.names.indexOf(names.get(i));
        }
        int n = Math.min(data.size(), 4096);
        double[][] xs = new double[n][names.size()];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < col.length; i++) {
                xs[r][i] = col[i] < 0 ? Double.NaN : data.rows.get(r)[col[i]];
            }
        }
        double[][] out = new double[batch][m.labels().size()];
        double[][] in = new double[batch][];
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 3; pass++) {
            long t0 = System.nanoTime();
            for (int start = 0; start < n; start += batch) {
                int k = Math.min(batch, n - start);
                System.arraycopy(xs, start, in, 0, k);
                m.predictProbaBatch(in, k, out);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / n);
        }
        return best;
    }

    /**
     * Candidates not dominated in (validation accuracy higher, parameters fewer, MACs per flow
     * fewer). MACs stand for inference cost here: measured times on a shared machine are too noisy
     * to rank by (they are in the CSV).
     */
    public static List<Candidate> pareto(List<Candidate> all) {
        List<Candidate> front = new ArrayList<>();
        for (Candidate c : all) {
            boolean dominated = false;
            for (Candidate d : all) {
                if (d != c && d.accuracy >= c.accuracy && d.parameters <= c.parameters && d.macs <= c.macs
                        && (d.accuracy > c.accuracy || d.parameters < c.parameters || d.macs < c.macs)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(c);
            }
        }
        front.sort(Comparator.comparingLong(c -> c.parameters));
        return front;
    }

    /**
     * The chosen candidate among those with at most {@code maxMacs} MACs per flow (all when none
     * fits): highest validation macro F1; among those within 0.005 of it, the fewest MACs.
     */
    public static Candidate choose(List<Candidate> all, long maxMacs) {
        List<Candidate> fit = all.stream().filter(c -> c.macs <= maxMacs).collect(java.util.stream.Collectors.toList());
        List<Candidate> pool = fit.isEmpty() ? all : fit;
        double best = pool.stream().mapToDouble(c -> c.macroF1).max().orElseThrow();
        return pool.stream().filter(c -> c.macroF1 >= best - 0.005)
                .min(Comparator.comparingLong((Candidate c) -> c.macs).thenComparingInt(c -> c.index)).orElseThrow();
    }
}
