package dev.tessera.chaos.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded fault schedule for the in-process explorer: the initial cluster size and a sequence of faults, each
 * applied once the previous one healed (except {@link Fault#KILL_DURING_MIGRATION}, whose crash lands in the
 * migration its join started). The same seed always gives the same schedule. Members lost at once never exceed
 * one (the maps keep one backup); the cluster stays between 2 and 5 members.
 */
public record FaultSchedule(long seed, int initialMembers, List<Fault> steps) {

    /** The faults, all through the test kit's members on SHARED_LOOPBACK. */
    public enum Fault {
        /** kill -9 of a random member that is not the coordinator */
        CRASH,
        /** kill -9 of the coordinator */
        CRASH_COORDINATOR,
        /** graceful leave of a random non-coordinator member */
        LEAVE,
        /** graceful leave of the coordinator: its replan migrates while it hands over */
        LEAVE_COORDINATOR,
        /** a new member joins */
        JOIN,
        /** a new member joins and a random other member is killed while the join migrates */
        KILL_DURING_MIGRATION,
        /** one member's traffic is dropped both ways past failure detection, then healed (a pause, seen from outside) */
        ISOLATE,
        /** a minority is cut off from the rest (traffic dropped both ways) past failure detection, then healed */
        SPLIT,
        /** a member leaves gracefully and a new one takes its place */
        RESTART;

        /** Whether the checks may assert per-key linearizability (only crashes and membership changes). */
        boolean crashOnly() {
            return this != ISOLATE && this != SPLIT;
        }
    }

    /** Schedules of 2 to 4 faults on 3 or 4 members. */
    public static FaultSchedule random(long seed) {
        Random r = random(seed, 0);
        int members = 3 + r.nextInt(2);
        int n = members;
        int steps = 2 + r.nextInt(3);
        List<Fault> out = new ArrayList<>();
        Fault[] all = Fault.values();
        while (out.size() < steps) {
            Fault f = all[r.nextInt(all.length)];
            int after = switch (f) {
                case CRASH, CRASH_COORDINATOR, LEAVE, LEAVE_COORDINATOR -> n - 1;
                case JOIN -> n + 1;
                default -> n;
            };
            if (after < 2 || after > 5 || (f == Fault.SPLIT && n < 3)) {
                continue;
            }
            out.add(f);
            n = after;
        }
        return new FaultSchedule(seed, members, List.copyOf(out));
    }

    /**
     * A generator for {@code seed} (and a {@code stream} of it): java.util.Random's first numbers of neighbouring
     * seeds are correlated (seeds 1..40 would all start with 4 members), so the seed is mixed first.
     */
    static Random random(long seed, int stream) {
        return new Random(new java.util.SplittableRandom(seed ^ stream * 0x9E3779B97F4A7C15L).split().nextLong());
    }

    /** Whether every fault is a crash or a membership change. */
    public boolean crashOnly() {
        return steps.stream().allMatch(Fault::crashOnly);
    }

    @Override
    public String toString() {
        return "seed " + seed + ": " + initialMembers + " members, " + steps;
    }
}
