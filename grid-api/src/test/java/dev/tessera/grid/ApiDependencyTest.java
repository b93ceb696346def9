package dev.tessera.grid;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** What the API may depend on: applications compile against it without the grid's implementation libraries. */
@AnalyzeClasses(packages = "dev.tessera.grid", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiDependencyTest {
    @ArchTest
    static final ArchRule noImplementationLibraries = noClasses().that().resideInAPackage("dev.tessera.grid..")
            .should().dependOnClassesThat().resideInAnyPackage("org.jgroups..", "com.esotericsoftware..",
                    "com.github.benmanes.caffeine..")
            .because("the API names no JGroups, Kryo or Caffeine type: those are grid-core's choices");

    @ArchTest
    static final ArchRule onlyTheJdkAndItself = noClasses().that().resideInAPackage("dev.tessera.grid..")
            .should().dependOnClassesThat().resideOutsideOfPackages("java..", "dev.tessera.grid", "dev.tessera.grid.spi")
            .because("the API depends on the JDK only, and never on grid-core or grid-membership");
}
