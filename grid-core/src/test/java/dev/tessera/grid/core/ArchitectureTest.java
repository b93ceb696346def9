package dev.tessera.grid.core;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering of grid-core's packages, checked on the compiled main classes (tests may reach across).
 * The classes directly in {@code dev.tessera.grid.core} ({@link MemberAssembly}, {@link TesseraGrid},
 * {@link InboundDispatcher}, ...) assemble everything: they may import every package, and no package imports them.
 * The assembly itself is handed to the member's lifecycle alone. Below the packages
 * that carry operations lie {@code cluster} and {@code wire}, and below those the leaves
 * {@code serialization}, {@code partition} and {@code store}, which may read the time ({@code time}).
 * Above the root sits {@code drill}, the one exported package (module-info.java): failure drills over a whole member.
 * Among the operation packages, {@code owner} (gate and write path) calls none of its clients and sits above
 * {@code replication}.
 */
@AnalyzeClasses(packages = "dev.tessera.grid.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String CORE = "dev.tessera.grid.core";

    /** The packages that carry an operation: the map facade, its routing, the owner side and its clients. */
    private static final String[] OPERATION_PACKAGES = {
        CORE + ".map..", CORE + ".routing..", CORE + ".owner..", CORE + ".replication..", CORE + ".migration..", CORE + ".loading..",
        CORE + ".events..", CORE + ".expiry..", CORE + ".mapstore..", CORE + ".nearcache..",
    };

    @ArchTest
    static final ArchRule noCycleBetweenPackages = slices().matching(CORE + ".(*)..").should().beFreeOfCycles()
            .because("a cycle makes all its packages one unit: none can be read, tested or changed alone");

    @ArchTest
    static final ArchRule noPackageImportsTheAssembly = noClasses()
            .that().resideInAPackage(CORE + "..").and().resideOutsideOfPackage(CORE).and().resideOutsideOfPackage(CORE + ".drill")
            .should().dependOnClassesThat().resideInAPackage(CORE)
            .because("the root package assembles the packages: one that reached back into it would depend on all of them "
                    + "(drill, the exported facade over a whole member, sits above the root)");

    @ArchTest
    static final ArchRule onlyTheLifecycleHoldsTheAssembly = noClasses()
            .that().doNotBelongToAnyOf(MemberAssembly.class, TesseraGrid.class)
            .should().dependOnClassesThat().belongToAnyOf(MemberAssembly.class)
            .because("the assembly reaches every component: a component given it would depend on all of them; "
                    + "components get what they use, by constructor");

    @ArchTest
    static final ArchRule nothingImportsTheDrills = noClasses()
            .that().resideInAPackage(CORE + "..").and().resideOutsideOfPackage(CORE + ".drill")
            .should().dependOnClassesThat().resideInAPackage(CORE + ".drill")
            .because("the drills act on a member from outside, as a tool would; the member never calls them");

    @ArchTest
    static final ArchRule basePackagesDoNotImportOperationPackages = noClasses()
            .that().resideInAnyPackage(CORE + ".serialization..", CORE + ".partition..", CORE + ".store..", CORE + ".wire..",
                    CORE + ".cluster..")
            .should().dependOnClassesThat().resideInAnyPackage(OPERATION_PACKAGES)
            .because("serialization, partition tables, storage, the wire format and the cluster's topology sit below "
                    + "every operation path");

    /** The owner side (gate, write path) runs every operation; its clients wrap or call it, it never calls them. */
    @ArchTest
    static final ArchRule ownerSideCallsNoClient = noClasses()
            .that().resideInAPackage(CORE + ".owner..")
            .should().dependOnClassesThat().resideInAnyPackage(CORE + ".map..", CORE + ".routing..", CORE + ".migration..",
                    CORE + ".events..", CORE + ".expiry..", CORE + ".mapstore..", CORE + ".nearcache..")
            .because("map stores wrap the owner's path and expiry, migration, events and near caches are its clients: "
                    + "an owner side that called back into them would be one unit with each");

    /** Replication sits behind the owner side: it copies what the owner applied and never runs an operation. */
    @ArchTest
    static final ArchRule replicationIsBehindTheOwner = noClasses()
            .that().resideInAPackage(CORE + ".replication..")
            .should().dependOnClassesThat().resideInAnyPackage(CORE + ".owner..", CORE + ".loading..", CORE + ".map..",
                    CORE + ".routing..")
            .because("the owner side calls replication, not the other way round");

    @ArchTest
    static final ArchRule serializationIsALeaf = leaf("serialization");

    @ArchTest
    static final ArchRule partitionIsALeaf = leaf("partition");

    @ArchTest
    static final ArchRule storeIsALeaf = leaf("store");

    @ArchTest
    static final ArchRule timeIsALeaf = leaf("time");

    /** Nothing in grid-core reads the system clocks except the one {@code TimeSource} a member is given. */
    @ArchTest
    static final ArchRule timeIsInjected = noClasses()
            .that().resideInAPackage(CORE + "..").and().resideOutsideOfPackage(CORE + ".time..")
            .should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .because("a member's time is injected (TimeSource), so tests move it instead of waiting for it");

    /** JGroups behind one door: grid-membership speaks it, and grid-core knows members only as {@code MemberId}. */
    @ArchTest
    static final ArchRule onlyMembershipSpeaksJGroups = noClasses()
            .that().resideInAPackage(CORE + "..")
            .should().dependOnClassesThat().resideInAPackage("org.jgroups..")
            .because("membership, transport and their protocols are grid-membership's: a JGroups type above it ties "
                    + "every package to JGroups' API (MemberId names a member, ClusterChannel carries the bytes)");

    /** No class of {@code pkg} imports another grid-core package than {@code time}, the leaf of leaves. */
    private static ArchRule leaf(String pkg) {
        String own = CORE + "." + pkg + "..";
        return noClasses().that().resideInAPackage(own)
                .should().dependOnClassesThat(resideInAPackage(CORE + "..").and(resideOutsideOfPackage(own))
                        .and(resideOutsideOfPackage(CORE + ".time..")))
                .because(pkg + " is a leaf everything else builds on");
    }
}
