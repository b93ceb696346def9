package dev.tessera.chaos.harness;

import java.nio.file.Path;

/** One member JVM started by a {@link ChaosCluster}. */
public final class MemberProcess {
    public enum State { RUNNING, PAUSED, KILLED, STOPPED }

    private final String name;
    private final int gridPort;
    private final int httpPort;
    private final Process process;
    private final Path log;
    private final Path journal;
    private final long startedNanos;
    private volatile State state = State.RUNNING;

    MemberProcess(String name, int gridPort, int httpPort, Process process, Path log, Path journal) {
        this.name = name;
        this.gridPort = gridPort;
        this.httpPort = httpPort;
        this.process = process;
        this.log = log;
        this.journal = journal;
        this.startedNanos = System.nanoTime();
    }

    public String name() {
        return name;
    }

    public int gridPort() {
        return gridPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** The workload journal file (exists once a workload ran on this member). */
    public Path journal() {
        return journal;
    }

    public State state() {
        return state;
    }

    void state(State s) {
        this.state = s;
    }

    long startedNanos() {
        return startedNanos;
    }

    /** Running and not paused: it answers HTTP. */
    public boolean responsive() {
        return state == State.RUNNING && process.isAlive();
    }

    /** Not killed or stopped (it may be paused). */
    public boolean alive() {
        return (state == State.RUNNING || state == State.PAUSED) && process.isAlive();
    }

    public String peerAddress() {
        return "127.0.0.1[" + gridPort + "]";
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ", " + state + ")";
    }
}
