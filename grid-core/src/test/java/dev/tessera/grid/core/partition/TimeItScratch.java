package dev.tessera.grid.core.partition;

import java.util.*;
import org.jgroups.Address;
import org.jgroups.util.UUID;

public class TimeItScratch {
  public static void main(String[] args) {
    OwnershipAssigner as = new OwnershipAssigner(7);
    List<Address> members = new ArrayList<>();
    for (int i = 0; i < 11; i++) members.add(UUID.randomUUID());
    Address[][] base = as.assign(new Address[271][], members, Map.of());
    List<Address> plus = new ArrayList<>(members); plus.add(UUID.randomUUID());
    for (int i = 0; i < 300; i++) as.assign(base, plus, Map.of());
    Arrays.fill(OwnershipAssigner.Run.PHASE_NANOS, 0);
    long t0 = System.nanoTime();
    for (int i = 0; i < 200; i++) as.assign(base, plus, Map.of());
    System.out.printf("join 11->12 P=271: %.2f ms; phases A..C %s%n", (System.nanoTime() - t0) / 1e6 / 200, Arrays.toString(Arrays.stream(OwnershipAssigner.Run.PHASE_NANOS).map(x -> x / 200_000).toArray()));
  }
}
