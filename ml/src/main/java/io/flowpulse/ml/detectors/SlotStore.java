package io.flowpulse.ml.detectors;

/**
 * Where a Holt-Winters model keeps its seasonal slots: an array in memory, a Flink MapState
 * keyed by slot index in the operator. Slot indexes: daily slots {@code [0, dailySlots)}, weekly
 * slots {@code [dailySlots, dailySlots + weeklySlots)}.
 */
public interface SlotStore {
    /** The slot, or null when never written. The caller may mutate it and must {@link #put} it. */
    SeasonalSlot get(int index);

    void put(int index, SeasonalSlot slot);
}
