package dev.tessera.grid.membership;

import java.util.List;
import java.util.Optional;

/**
 * An installed JGroups view, with each member's name and zone.
 *
 * @param viewId  JGroups' view number. Numbers grow within one lineage of views; after a split two sides can
 *                install views with the same number, and a merge view gets a number above both sides'.
 * @param members the members in JGroups order: the first one is the oldest member, i.e. the coordinator
 * @param merge   {@code true} when this view was installed by a merge of formerly separate sub-clusters
 *                (a JGroups {@code MergeView})
 */
public record ClusterView(long viewId, List<MemberInfo> members, boolean merge) {

    public ClusterView {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a view has at least one member");
        }
    }

    /** The coordinator: {@code members.get(0)}, JGroups' oldest member. */
    public MemberInfo coordinator() {
        return members.get(0);
    }

    /** Whether {@code a} is a member; asked on every request sent, so without allocating. */
    public boolean contains(MemberId a) {
        return indexOf(a) >= 0;
    }

    public Optional<MemberInfo> member(MemberId a) {
        int i = indexOf(a);
        return i < 0 ? Optional.empty() : Optional.of(members.get(i));
    }

    private int indexOf(MemberId a) {
        if (a != null) {
            for (int i = 0, n = members.size(); i < n; i++) {
                if (members.get(i).id().equals(a)) {
                    return i;
                }
            }
        }
        return -1;
    }

    public List<MemberId> ids() {
        return members.stream().map(MemberInfo::id).toList();
    }

    public int size() {
        return members.size();
    }

    /** The member names in view order (handy in logs and assertions). */
    public List<String> names() {
        return members.stream().map(MemberInfo::name).toList();
    }

    @Override
    public String toString() {
        return (merge ? "MergeView" : "View") + "#" + viewId + members;
    }
}
