package dev.pointsman.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Seeded train / validation / test splits of row indices. */
public final class Splits {
    public static final double TRAIN_SHARE = 0.7;
    public static final double VALIDATION_SHARE = 0.1;

    private Splits() {}

    /** Row indices of one split; test rows keep their order of appearance. */
    public record Split(int[] train, int[] validation, int[] test) {}

    /** Shuffles {@code rows} with {@code seed} and cuts 70 % / 10 % / 20 %. */
    public static Split random(int[] rows, long seed) {
        if (rows.length < 3) {
            throw new IllegalArgumentException(
                    "need at least 3 rows to split into train, validation and test, got "
                            + rows.length);
        }
        int[] shuffled = shuffled(rows, seed);
        int nTrain = Math.max(1, (int) Math.round(rows.length * TRAIN_SHARE));
        int nVal = Math.max(1, (int) Math.round(rows.length * VALIDATION_SHARE));
        if (nTrain + nVal >= rows.length) {
            nTrain = rows.length - nVal - 1;
        }
        int[] train = Arrays.copyOfRange(shuffled, 0, nTrain);
        int[] val = Arrays.copyOfRange(shuffled, nTrain, nTrain + nVal);
        int[] test = Arrays.copyOfRange(shuffled, nTrain + nVal, shuffled.length);
        Arrays.sort(test);
        return new Split(train, val, test);
    }

    /**
     * For data whose rows carry a fixed split: rows marked {@code train} are shuffled with {@code
     * seed} and one in eight is held out for validation (the 70:10 ratio); {@code test} and {@code
     * ood} rows are the test set.
     */
    public static Split fixed(List<@Nullable String> splitOfRow, long seed) {
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (int i = 0; i < splitOfRow.size(); i++) {
            String split = splitOfRow.get(i);
            if ("train".equals(split)) {
                train.add(i);
            } else if ("test".equals(split) || "ood".equals(split)) {
                test.add(i);
            } else {
                throw new IllegalArgumentException(
                        "row " + i + " has split '" + split + "'; expected train, test or ood");
            }
        }
        if (train.size() < 2 || test.isEmpty()) {
            throw new IllegalArgumentException(
                    "fixed splits need at least 2 train rows and 1 test row, got "
                            + train.size()
                            + " and "
                            + test.size());
        }
        int[] shuffled = shuffled(train.stream().mapToInt(Integer::intValue).toArray(), seed);
        int nVal =
                Math.max(
                        1,
                        (int)
                                Math.round(
                                        shuffled.length
                                                * VALIDATION_SHARE
                                                / (TRAIN_SHARE + VALIDATION_SHARE)));
        return new Split(
                Arrays.copyOfRange(shuffled, nVal, shuffled.length),
                Arrays.copyOfRange(shuffled, 0, nVal),
                test.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A seeded Fisher–Yates shuffle of a copy of {@code rows}. */
    public static int[] shuffled(int[] rows, long seed) {
        int[] out = rows.clone();
        Random random = new Random(seed);
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }
}
