package dev.tessera.demo;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridIntrospection.MigrationView;
import dev.tessera.grid.GridIntrospection.PartitionTableView;
import dev.tessera.grid.GridIntrospection.PartitionView;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Member;
import dev.tessera.grid.MembershipEvent;
import dev.tessera.grid.Registration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The member's picture of the cluster for {@code /api/status}: publishes this member's figures into
 * the {@value #STATUS_MAP} grid map every second, reads everyone else's, records recent events
 * (joins, departures, merges, table versions, members that stop answering), and renders it all as
 * JSON. Nothing here blocks an HTTP request: grid reads run in the background and the last values
 * are served.
 */
final class StatusBoard implements AutoCloseable {
    /** Grid map holding one {@link MemberReport} per member name. */
    static final String STATUS_MAP = "__demo_status";
    private static final int MAX_EVENTS = 60;
    /** A member in the view whose HTTP endpoint has not answered for this long is shown as not responding. */
    private static final long SILENT_AFTER_MS = 1_500;

    private final Grid grid;
    private final MemberApp.Options options;
    private final int httpPort;
    private final long started = System.currentTimeMillis();
    private final GridMap<String, String> statusMap;
    private final Map<String, MemberReport> reports = new ConcurrentHashMap<>();
    /** Member name -> last time its HTTP endpoint answered a ping (epoch ms). */
    private final Map<String, Long> lastPong = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Deque<Event> events = new ArrayDeque<>();
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    private final Registration membership;
    private final AtomicInteger ticks = new AtomicInteger();
    private volatile CompletableFuture<?> pendingPublish = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<?> pendingRead = CompletableFuture.completedFuture(null);
    private volatile CompletableFuture<?> pendingDiscovery = CompletableFuture.completedFuture(null);
    private long lastTableVersion = -1;
    /** Primary of each partition in the last table without migrations or missing backups; null before the first. */
    private String[] stablePrimaries;
    /** When the current rebalance started (epoch ms), or 0 if the table is stable. */
    private long rebalanceSince;

    /** One thing that happened, as this member saw it. */
    record Event(long time, String type, String text) {}

    StatusBoard(Grid grid, MemberApp.Options options, int httpPort) {
        this.grid = grid;
        this.options = options;
        this.httpPort = httpPort;
        this.statusMap = grid.map(STATUS_MAP);
        String threadName = "demo-" + options.name() + "-status";
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newScheduledThreadPool(3, tf);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(800)).executor(executor).build();
        List<Member> members = grid.members();
        record("started", options.name() + " started and joined cluster '" + options.cluster() + "' with " + count(members));
        this.membership = grid.addMembershipListener(this::onMembership);
        reports.put(options.name(), ownReport());
        executor.scheduleWithFixedDelay(this::safeTick, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void onMembership(MembershipEvent e) {
        switch (e.type()) {
            case JOINED -> record("joined", e.member().name() + " joined; " + count(e.members()));
            case LEFT -> record("left", e.member().name() + " left (stopped, crashed or cut off); " + count(e.members()));
            case MERGED -> record("merged", "split healed: views merged into " + count(e.members()));
        }
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            // the grid may be closing; the next tick tries again
        }
    }

    private void tick() {
        if (!grid.isRunning()) {
            return;
        }
        int n = ticks.incrementAndGet(); // every 100 ms: tables change fast, a rebalance may take well under a second
        watchTable();
        if (n % 5 == 0) {
            watchResponsiveness();
        }
        if (n % 10 == 0) { // once a second
            publish();
            readOthers();
            ping();
        }
        if (n % 50 == 1) { // every 5 s: find reports of members this member never saw (e.g. dead before it joined)
            discover();
        }
    }

    /** Publishes this member's report; skipped while the previous write is still under way. */
    private void publish() {
        MemberReport own = ownReport();
        reports.put(own.name(), own);
        if (pendingPublish.isDone()) {
            pendingPublish = statusMap.setAsync(own.name(), own.encode()).orTimeout(5, TimeUnit.SECONDS);
        }
    }

    private void readOthers() {
        if (!pendingRead.isDone()) {
            return;
        }
        Set<String> names = new HashSet<>(reports.keySet());
        for (Member m : grid.members()) {
            names.add(m.name());
        }
        names.remove(options.name());
        if (names.isEmpty()) {
            return;
        }
        pendingRead = statusMap.getAllAsync(names).orTimeout(3, TimeUnit.SECONDS).thenAccept(found -> {
            found.forEach((name, text) -> {
                MemberReport r = MemberReport.decode(text);
                if (r != null && name.equals(r.name())) {
                    reports.merge(name, r, (old, neu) -> neu.updated() >= old.updated() ? neu : old);
                }
            });
        });
    }

    private void discover() {
        if (!pendingDiscovery.isDone()) {
            return;
        }
        pendingDiscovery = CompletableFuture.runAsync(() -> {
            for (String name : statusMap.keySet()) {
                reports.computeIfAbsent(name, k -> new MemberReport(k, "", "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0));
            }
        }, executor).orTimeout(5, TimeUnit.SECONDS);
    }

    /** Asks every other member in the view over HTTP whether it answers (a paused JVM stays in the view for a while). */
    private void ping() {
        for (Member m : grid.members()) {
            if (m.name().equals(options.name())) {
                continue;
            }
            MemberReport r = reports.get(m.name());
            if (r == null || r.httpPort() <= 0) {
                continue;
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/api/ping"))
                    .timeout(Duration.ofMillis(900)).GET().build();
            http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenAccept(resp -> {
                if (resp.statusCode() == 200 && resp.body().startsWith(m.name() + " ")) {
                    lastPong.put(m.name(), System.currentTimeMillis());
                }
            });
        }
    }

    private void watchResponsiveness() {
        long now = System.currentTimeMillis();
        Set<String> inView = new HashSet<>();
        for (Member m : grid.members()) {
            inView.add(m.name());
        }
        for (String name : inView) {
            if (name.equals(options.name())) {
                continue;
            }
            Long pong = lastPong.get(name);
            if (pong == null) {
                continue; // never answered yet (just joined, or its report is not known yet)
            }
            boolean isSilent = now - pong > SILENT_AFTER_MS;
            if (isSilent && silent.add(name)) {
                record("suspect", name + " stopped answering (crashed, paused or overloaded?); it stays in the view until failure detection decides");
            } else if (!isSilent && silent.remove(name)) {
                record("recovered", name + " answers again");
            }
        }
        silent.retainAll(inView);
        lastPong.keySet().retainAll(inView);
    }

    /**
     * Records table changes as events: a rebalance (partitions migrating or without backups) as one
     * "started" and one "finished" event with how many primaries moved, other changes (promotions after
     * a crash) as one event per version.
     */
    private void watchTable() {
        GridIntrospection in = grid.introspection();
        PartitionTableView table = in.partitionTable();
        if (table.version() == lastTableVersion) {
            return;
        }
        lastTableVersion = table.version();
        int migrating = in.migrations().size();
        int withoutBackup = 0;
        int members = grid.members().size();
        String[] primaries = new String[table.partitions().size()];
        Map<String, Integer> counts = new TreeMap<>();
        for (PartitionView p : table.partitions()) {
            primaries[p.partition()] = p.primary() == null ? null : p.primary().name();
            if (p.primary() != null) {
                counts.merge(p.primary().name(), 1, Integer::sum);
            }
            if (members > 1 && p.backups().isEmpty()) {
                withoutBackup++;
            }
        }
        String owners = "primaries " + counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        long now = System.currentTimeMillis();
        if (migrating > 0 || withoutBackup > 0) {
            if (rebalanceSince == 0) {
                rebalanceSince = now;
                record("rebalance", "table v" + table.version() + ": rebalance started"
                        + (migrating > 0 ? ", " + migrating + " partitions migrating" : "")
                        + (withoutBackup > 0 ? ", " + withoutBackup + " without a backup" : ""));
            }
            return;
        }
        int moved = 0;
        if (stablePrimaries != null && stablePrimaries.length == primaries.length) {
            for (int p = 0; p < primaries.length; p++) {
                if (!java.util.Objects.equals(primaries[p], stablePrimaries[p])) {
                    moved++;
                }
            }
        }
        String movedText = stablePrimaries == null ? "" : moved + " primar" + (moved == 1 ? "y" : "ies") + " moved; ";
        if (rebalanceSince != 0) {
            record("balanced", String.format(java.util.Locale.ROOT, "table v%d: rebalanced in %.1f s; %s%s", table.version(),
                    (now - rebalanceSince) / 1000.0, movedText, owners));
            rebalanceSince = 0;
        } else {
            record("table", "table v" + table.version() + ": " + movedText + owners);
        }
        stablePrimaries = primaries;
    }

    private MemberReport ownReport() {
        long entries = 0;
        long backups = 0;
        long bytes = 0;
        for (Map.Entry<String, GridIntrospection.MapStats> e : grid.introspection().localMapStats().entrySet()) {
            if (e.getKey().startsWith("__")) {
                continue;
            }
            entries += e.getValue().primaryEntries();
            backups += e.getValue().backupEntries();
            bytes += e.getValue().bytes();
        }
        return new MemberReport(options.name(), grid.localMember().id(), "127.0.0.1:" + options.gridPort(),
                options.zone() == null ? "" : options.zone(), httpPort, ProcessHandle.current().pid(), started,
                System.currentTimeMillis(), entries, backups, bytes, grid.introspection().partitionTable().version(),
                grid.members().size());
    }

    void record(String type, String text) {
        Event e = new Event(System.currentTimeMillis(), type, text);
        synchronized (events) {
            events.addFirst(e);
            while (events.size() > MAX_EVENTS) {
                events.removeLast();
            }
        }
        System.out.println("[" + options.name() + "] " + type + ": " + text);
    }

    List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** A one-line text summary for scripts: {@code name members=N version=V migrations=M}. */
    String summary() {
        List<Member> members = grid.members();
        return options.name() + " members=" + members.size() + " version=" + grid.introspection().partitionTable().version()
                + " migrations=" + grid.introspection().migrations().size()
                + " view=" + members.stream().map(Member::name).collect(Collectors.joining(","))
                + " http=" + members.stream().map(m -> reports.get(m.name())).filter(r -> r != null && r.httpPort() > 0)
                        .map(r -> Integer.toString(r.httpPort())).collect(Collectors.joining(","));
    }

    /** The whole picture as JSON (see {@code /api/status} in the README). */
    String json() {
        long now = System.currentTimeMillis();
        List<Member> view = grid.members();
        GridIntrospection in = grid.introspection();
        PartitionTableView table = in.partitionTable();
        List<MigrationView> migrations = in.migrations();
        MemberReport self = ownReport();
        reports.put(self.name(), self);

        Map<String, int[]> counts = new LinkedHashMap<>(); // name -> {primaries, backups}
        for (PartitionView p : table.partitions()) {
            if (p.primary() != null) {
                counts.computeIfAbsent(p.primary().name(), k -> new int[2])[0]++;
            }
            for (Member b : p.backups()) {
                counts.computeIfAbsent(b.name(), k -> new int[2])[1]++;
            }
        }
        Map<Integer, MigrationView> migrating = new TreeMap<>();
        for (MigrationView m : migrations) {
            migrating.put(m.partition(), m);
        }

        Json j = new Json().beginObject();
        j.field("cluster", options.cluster());
        j.field("self", options.name());
        j.field("now", now);
        j.field("tableVersion", table.version());
        j.field("partitionCount", table.partitions().size());

        j.name("members").beginArray();
        Set<String> listed = new HashSet<>();
        for (int i = 0; i < view.size(); i++) {
            Member m = view.get(i);
            listed.add(m.name());
            MemberReport r = reports.get(m.name());
            String state = silent.contains(m.name()) ? "silent" : "alive";
            writeMember(j, m.name(), m.id(), r != null && !r.gridAddress().isEmpty() ? r.gridAddress() : m.address(),
                    m.zone(), true, state, i == 0, r, counts.get(m.name()), now);
        }
        List<MemberReport> gone = reports.values().stream().filter(r -> !listed.contains(r.name()))
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
        for (MemberReport r : gone) {
            writeMember(j, r.name(), r.id(), r.gridAddress(), r.zone(), false, "dead", false, r, counts.get(r.name()), now);
        }
        j.endArray();

        j.name("partitions").beginArray();
        for (PartitionView p : table.partitions()) {
            j.beginObject().field("p", p.partition()).field("primary", p.primary() == null ? null : p.primary().name());
            j.stringArray("backups", p.backups().stream().map(Member::name).toList());
            MigrationView m = migrating.get(p.partition());
            if (m != null) {
                j.stringArray("to", m.to().stream().map(Member::name).toList());
            }
            j.endObject();
        }
        j.endArray();

        j.name("migrations").beginArray();
        for (MigrationView m : migrations) {
            j.beginObject().field("partition", m.partition());
            j.stringArray("from", m.from().stream().map(Member::name).toList());
            j.stringArray("to", m.to().stream().map(Member::name).toList());
            j.endObject();
        }
        j.endArray();

        j.name("maps").beginArray();
        for (Map.Entry<String, GridIntrospection.MapStats> e : in.localMapStats().entrySet()) {
            j.beginObject().field("name", e.getKey()).field("internal", e.getKey().startsWith("__"))
                    .field("primaryEntries", e.getValue().primaryEntries())
                    .field("backupEntries", e.getValue().backupEntries()).field("bytes", e.getValue().bytes()).endObject();
        }
        j.endArray();

        j.name("events").beginArray();
        for (Event e : events()) {
            j.beginObject().field("time", e.time()).field("type", e.type()).field("text", e.text()).endObject();
        }
        j.endArray();
        return j.endObject().toString();
    }

    private static void writeMember(Json j, String name, String id, String address, String zone, boolean alive, String state,
                                    boolean coordinator, MemberReport r, int[] counts, long now) {
        j.beginObject().field("name", name).field("id", id).field("address", address)
                .field("zone", zone == null || zone.isEmpty() ? null : zone)
                .field("alive", alive).field("state", state).field("coordinator", coordinator)
                .field("primaries", counts == null ? 0 : counts[0]).field("backups", counts == null ? 0 : counts[1]);
        if (r != null && r.updated() > 0) {
            j.field("httpPort", r.httpPort()).field("pid", r.pid()).field("started", r.started())
                    .field("lastUpdate", r.updated()).field("ageMs", Math.max(0, now - r.updated()))
                    .field("entries", r.entries()).field("backupEntries", r.backupEntries()).field("bytes", r.bytes())
                    .field("tableVersion", r.tableVersion()).field("membersSeen", r.membersSeen());
        }
        j.endObject();
    }

    private static String count(List<Member> members) {
        return members.size() + (members.size() == 1 ? " member: " : " members: ") + names(members);
    }

    private static String names(List<Member> members) {
        return members.stream().map(Member::name).collect(Collectors.joining(", "));
    }

    @Override
    public void close() {
        membership.close();
        executor.shutdownNow();
    }
}
