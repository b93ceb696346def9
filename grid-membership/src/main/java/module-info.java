/**
 * Membership and transport on JGroups: the only module that speaks JGroups. Exported to grid-core alone; JGroups
 * instantiates and configures Tessera's own protocols (the trust boundary's filters, encryption) reflectively.
 */
// "module": the qualified export names grid-core, built after this module; JGroups has only an automatic module name
@SuppressWarnings({"module", "requires-automatic"})
module dev.tessera.grid.membership {
    requires org.jgroups;
    requires org.slf4j;

    exports dev.tessera.grid.membership to dev.tessera.grid.core;
    opens dev.tessera.grid.membership to org.jgroups;
}
