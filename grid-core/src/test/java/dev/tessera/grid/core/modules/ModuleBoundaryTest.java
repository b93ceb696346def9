package dev.tessera.grid.core.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.Grid;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.membership.ClusterChannel;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors are the boundary: grid-core exports only its drill package and provides the
 * {@code GridFactory}; grid-membership (the only JGroups speaker) is exported to grid-core alone. And they are
 * complete: a member starts, stores and reads a value when everything runs on the module path, as it does for an
 * application that is itself a named module (the service is found through {@code provides}, JGroups instantiates the
 * membership's own protocols through {@code opens}). The other tests run on the class path.
 */
class ModuleBoundaryTest {

    @Test
    void gridCore_exportsOnlyItsDrills_andProvidesTheFactory() throws Exception {
        ModuleDescriptor core = descriptor(TesseraGrid.class);
        assertThat(core.name()).isEqualTo("dev.tessera.grid.core");
        assertThat(core.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.tessera.grid.core.drill");
        assertThat(core.opens()).isEmpty();
        assertThat(core.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo("dev.tessera.grid.spi.GridFactory");
            assertThat(p.providers()).containsExactly("dev.tessera.grid.core.TesseraGridFactory");
        });
    }

    @Test
    void gridMembership_isExportedToGridCoreAlone() throws Exception {
        ModuleDescriptor membership = descriptor(ClusterChannel.class);
        assertThat(membership.exports()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("dev.tessera.grid.membership");
            assertThat(e.targets()).containsExactly("dev.tessera.grid.core");
        });
    }

    @Test
    void gridApi_exportsTheApiAndTheSpi() throws Exception {
        assertThat(descriptor(Grid.class).exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("dev.tessera.grid", "dev.tessera.grid.spi");
    }

    @Test
    void aMemberRunsOnTheModulePath() throws Exception {
        List<Path> path = new ArrayList<>(List.of(location(Grid.class), location(ClusterChannel.class), location(TesseraGrid.class)));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String n = p.getFileName().toString();
            // what Tessera's three modules require; nothing of the tests' own class path
            if (n.startsWith("jgroups-") || n.startsWith("kryo-") || n.startsWith("objenesis-") || n.startsWith("minlog-")
                    || n.startsWith("reflectasm-") || n.startsWith("caffeine-") || n.startsWith("slf4j-api-")) {
                path.add(p);
            }
        }
        ModuleFinder finder = ModuleFinder.of(path.toArray(Path[]::new));
        Configuration config = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of("dev.tessera.grid.core"));
        Set<String> resolved = config.modules().stream().map(m -> m.name()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(resolved).contains("dev.tessera.grid.api", "dev.tessera.grid.membership", "dev.tessera.grid.core", "org.jgroups");
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(config, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader("dev.tessera.grid.api");

        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        self.setContextClassLoader(loader);
        Object grid = null;
        try {
            Class<?> gridType = loader.loadClass("dev.tessera.grid.Grid");
            assertThat(gridType.getModule().getName()).as("the API comes from the layer, not the class path").isEqualTo("dev.tessera.grid.api");
            Object builder = gridType.getMethod("builder").invoke(null);
            Class<?> builderType = builder.getClass();
            builderType.getMethod("clusterName", String.class).invoke(builder, "modules-" + UUID.randomUUID());
            Class<?> transport = loader.loadClass("dev.tessera.grid.Transport");
            builderType.getMethod("transport", transport).invoke(builder, transport.getMethod("inProcess").invoke(null));
            grid = builderType.getMethod("start").invoke(builder);
            assertThat(grid.getClass().getModule().getName()).as("found through provides").isEqualTo("dev.tessera.grid.core");
            Object map = gridType.getMethod("map", String.class).invoke(grid, "m");
            Class<?> mapType = loader.loadClass("dev.tessera.grid.GridMap"); // the implementation's package is not exported
            Method put = mapType.getMethod("put", Object.class, Object.class);
            Method get = mapType.getMethod("get", Object.class);
            put.invoke(map, "k", "v");
            assertThat(get.invoke(map, "k")).isEqualTo("v");
        } finally {
            if (grid != null) {
                ((AutoCloseable) grid).close();
            }
            self.setContextClassLoader(before);
        }
    }

    private static ModuleDescriptor descriptor(Class<?> type) throws URISyntaxException {
        return ModuleFinder.of(location(type)).findAll().iterator().next().descriptor();
    }

    /** The jar or classes directory {@code type} was loaded from. */
    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
