/**
 * Disk blocks and secure bindings: {@link exo.kernel.disk.BlockOwners} (owner and capabilities of
 * each block, kept twice in the image with a magic number and a checksum) and
 * {@link exo.kernel.disk.Blocks} (the blk_* calls, DMA between blocks and pages only with a
 * capability for each, completions of the device interrupt). docs/disks.md.
 */
package exo.kernel.disk;
