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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** How long a departed member keeps its card (then only the departures list names it); tests shorten it. */
    static volatile long departedCardMillis = 20_000;
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);
    private static final int MAX_DEPARTURES = 20;
    static final String LEFT = "left";
    static final String CRASHED = "crashed/unreachable";
    /** A departure whose kind is not known yet (its last report is being read). */
    static final String DEPARTED = "departed";

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
    /** Members that left this member's view, newest last, by member id (a restarted member is a new id). */
    private final Map<String, Departure> departures = new LinkedHashMap<>();
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

    /** A member that left the view: {@code how} is {@link #LEFT}, {@link #CRASHED} or, until known, {@link #DEPARTED}. */
    record Departure(String name, String id, long time, String how) {}

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
            case LEFT -> departed(e.member(), e.members());
            case MERGED -> record("merged", "split healed: views merged into " + count(e.members()));
        }
    }

    /**
     * Records a departure and finds out how it went: a member that leaves gracefully marks its last report
     * ({@link #announceLeaving()}) before it hands its partitions over, so the report, which outlives it in the grid,
     * tells "left" from "crashed or unreachable".
     */
    private void departed(Member m, List<Member> view) {
        synchronized (departures) {
            departures.remove(m.id());
            departures.put(m.id(), new Departure(m.name(), m.id(), System.currentTimeMillis(), DEPARTED));
            while (departures.size() > MAX_DEPARTURES) {
                departures.remove(departures.keySet().iterator().next());
            }
        }
        statusMap.getAsync(m.name()).orTimeout(3, TimeUnit.SECONDS).handle((text, error) -> {
            MemberReport r = error == null ? MemberReport.decode(text) : null;
            if (r != null && r.name().equals(m.name())) {
                reports.merge(r.name(), r, (old, neu) -> neu.updated() >= old.updated() ? neu : old);
            }
            boolean left = r != null && r.leaving() && r.id().equals(m.id());
            synchronized (departures) {
                departures.computeIfPresent(m.id(), (id, d) -> new Departure(d.name(), id, d.time(), left ? LEFT : CRASHED));
            }
            if (left) {
                record("left", m.name() + " left gracefully (handed its partitions over); " + count(view));
            } else {
                record("crashed", m.name() + " crashed or became unreachable (no goodbye); " + count(view));
            }
            return null;
        });
    }

    /** Marks this member's report as its last before a graceful leave; waits (briefly) until the grid holds it. */
    void announceLeaving() {
        try {
            MemberReport last = ownReport().asLeaving(System.currentTimeMillis());
            reports.put(last.name(), last);
            statusMap.setAsync(last.name(), last.encode()).get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the grid is failing or closed: the others will show this member as crashed/unreachable
            log.debug("could not announce the graceful leave: {}", e.toString());
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
                reports.computeIfAbsent(name, k -> new MemberReport(k, "", "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, false));
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
                        + (migrating > 0 ? ", " + plural(migrating, "partition", "partitions") + " migrating" : "")
                        + (withoutBackup > 0 ? ", " + plural(withoutBackup, "partition", "partitions") + " without a backup" : ""));
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
        String movedText = stablePrimaries == null ? "" : plural(moved, "primary", "primaries") + " moved; ";
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
                grid.members().size(), false);
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

    /**
     * The whole picture as JSON (see {@code /api/status} in the README). The cluster figures ({@code figures}) and the
     * partitions come from one snapshot of the table: the table, its migrations and this member's ownership are read
     * until they agree on the table version, so that no figure contradicts another.
     */
    String json() {
        long now = System.currentTimeMillis();
        List<Member> view = grid.members();
        GridIntrospection in = grid.introspection();
        PartitionTableView table;
        List<MigrationView> migrations;
        GridIntrospection.Ownership own;
        int attempts = 0;
        do {
            table = in.partitionTable();
            migrations = in.migrations();
            own = in.ownership();
        } while (in.partitionTable().version() != table.version() && ++attempts < 5);
        MemberReport self = ownReport();
        reports.put(self.name(), self);
        Set<String> live = new HashSet<>();
        for (Member m : view) {
            live.add(m.name());
        }

        // a partition's backups in use: the slots the maps here keep (the table lists up to six backups per partition)
        int backupSlots = Math.max(0, own.replicas() - 1);
        Map<String, int[]> counts = new LinkedHashMap<>(); // name -> {primaries, backups}
        int withoutBackup = 0;
        int noLivePrimary = 0;
        int neededBackups = Math.min(backupSlots, view.size() - 1);
        for (PartitionView p : table.partitions()) {
            if (p.primary() != null) {
                counts.computeIfAbsent(p.primary().name(), k -> new int[2])[0]++;
            }
            if (p.primary() == null || !live.contains(p.primary().name())) {
                noLivePrimary++;
            }
            int liveBackups = 0;
            for (int i = 0; i < p.backups().size(); i++) {
                Member b = p.backups().get(i);
                if (i < backupSlots) {
                    counts.computeIfAbsent(b.name(), k -> new int[2])[1]++;
                }
                if (live.contains(b.name())) {
                    liveBackups++;
                }
            }
            if (liveBackups < neededBackups) {
                withoutBackup++;
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
        j.field("backupsPerPartition", backupSlots);

        long entries = 0;
        long bytes = 0;
        int notAnswering = 0;
        for (Member m : view) {
            MemberReport r = reports.get(m.name());
            if (r != null) {
                entries += r.entries();
                bytes += r.bytes();
            }
            if (silent.contains(m.name())) {
                notAnswering++;
            }
        }
        int partitions = table.partitions().size();
        j.name("figures").beginObject()
                .field("members", view.size())
                .field("notAnswering", notAnswering)
                .field("migrating", migrations.size())
                .field("withoutBackup", withoutBackup)
                .field("noLivePrimary", noLivePrimary)
                // with no backup expected (one member, or maps without backups) there is nothing to lack
                .field("withBackupPercent", partitions == 0 ? 100 : (100L * (partitions - withoutBackup)) / partitions)
                .field("entries", entries)
                .field("bytes", bytes)
                .endObject();

        j.name("members").beginArray();
        for (int i = 0; i < view.size(); i++) {
            Member m = view.get(i);
            MemberReport r = reports.get(m.name());
            String state = silent.contains(m.name()) ? "silent" : "alive";
            writeMember(j, m.name(), m.id(), r != null && !r.gridAddress().isEmpty() ? r.gridAddress() : m.address(),
                    m.zone(), true, state, i == 0, r, counts.get(m.name()), now);
        }
        List<Departure> gone = departuresNewestFirst(live);
        for (Departure d : gone) {
            if (now - d.time() < departedCardMillis && !live.contains(d.name())) {
                MemberReport r = reports.get(d.name());
                writeMember(j, d.name(), d.id(), r == null ? "" : r.gridAddress(), r == null ? "" : r.zone(), false, d.how(),
                        false, r, counts.get(d.name()), now);
            }
        }
        j.endArray();

        j.name("departures").beginArray();
        for (Departure d : gone) {
            j.beginObject().field("name", d.name()).field("how", d.how()).field("time", d.time()).endObject();
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

        // progress of the migrations as this member sees them: partitions cluster-wide, bytes its own as a source
        GridIntrospection.MigrationProgress progress = in.migrationProgress();
        j.name("migrationProgress").beginObject()
                .field("partitionsDone", progress.partitionsDone())
                .field("partitionsRemaining", progress.partitionsRemaining())
                .field("bytesDone", progress.bytesDone())
                .field("bytesRemaining", progress.bytesRemaining())
                .field("etaMillis", progress.eta() == null ? -1 : progress.eta().toMillis())
                .field("bytesInFlight", progress.bytesInFlight())
                .field("bytesBuffered", progress.bytesBuffered())
                .field("budgetBytes", progress.budgetBytes())
                .field("rateLimitBytesPerSecond", progress.rateLimitBytesPerSecond())
                .endObject();

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

    /**
     * Departures this member saw, newest first, then members it knows only from their reports (gone before it joined
     * or between two reads): "left" if their last report said so, else crashed/unreachable. A member back in the view
     * under the same name is not listed by its earlier departures' cards, but stays in the list.
     */
    private List<Departure> departuresNewestFirst(Set<String> live) {
        List<Departure> out = new ArrayList<>();
        Set<String> named = new HashSet<>();
        synchronized (departures) {
            for (Departure d : departures.values()) {
                out.add(0, d);
                named.add(d.name());
            }
        }
        for (MemberReport r : reports.values()) {
            if (!live.contains(r.name()) && !named.contains(r.name())) {
                out.add(new Departure(r.name(), r.id(), r.updated(), r.leaving() ? LEFT : CRASHED));
            }
        }
        return out;
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
        return plural(members.size(), "member", "members") + ": " + names(members);
    }

    /** {@code "1 partition"}, {@code "2 partitions"}, {@code "0 partitions"}. */
    static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
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
