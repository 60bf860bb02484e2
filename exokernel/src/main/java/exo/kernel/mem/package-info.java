/**
 * Physical pages and secure bindings: {@link exo.kernel.mem.PageOwners} (owner, pins and
 * capabilities of each page), {@link exo.kernel.mem.Stlb} (the software TLB) and
 * {@link exo.kernel.mem.Memory} (allocation, guarded TLB writes, guaranteed mappings, the miss
 * path and the kernel's access to guest memory).
 */
package exo.kernel.mem;
