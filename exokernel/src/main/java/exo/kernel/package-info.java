/**
 * The exokernel: {@link exo.kernel.Kernel}, the machine's trap handler and the composition root
 * that builds every subsystem, and {@link exo.kernel.KernelViews}, the monitor's views of its
 * state.
 *
 * <p>Its packages, each using only packages listed below it ({@code PackageGraphTest} fails on
 * a cycle):
 * <pre>
 *   exo.kernel          Kernel: trap entry, composition root, ends environments; KernelViews
 *   exo.kernel.abi      the kernel-call table (KernelCall), its handlers, the generated
 *                       include file and ABI tables (AbiDocs)
 *   exo.kernel.boot     ImageLoader: a ProgramImage into a new environment, as a parent would
 *   exo.kernel.revoke   Revoker: visible revocation and the abort protocol
 *   exo.kernel.sched    Scheduler: the time-slice vector, context switches, yield, protected
 *                       control transfer
 *   exo.kernel.disk     Blocks, BlockOwners: disk blocks and their capabilities, persisted in the
 *                       image; DMA between blocks and pages; the disk interrupt
 *   exo.kernel.forward  Forwarder: exceptions and kernel events to the environment's handler
 *   exo.kernel.mem      Memory, PageOwners, Stlb: pages and their capabilities, guarded TLB
 *                       writes, the STLB, guaranteed mappings, the kernel's access to guest memory
 *   exo.kernel.env      Environment, Environments (the table), Lifecycle, KernelEvent
 *   exo.kernel.error    KernelError and GuestError: how a refused kernel call reports
 *   exo.os              what both kernels, the toolchain and the monitor share
 * </pre>
 * The baseline kernel ({@code exo.baseline}) uses {@code exo.os} only, and {@code exo.system},
 * which builds either kernel by name, sits above both. A subsystem that must reach back up — to
 * end an environment, or to have a page asked back when memory runs out — is given a small
 * interface ({@link exo.kernel.env.Lifecycle}) or a callback when it is built, never the kernel.
 */
package exo.kernel;
