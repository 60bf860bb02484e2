/**
 * What both kernels, the toolchain and the monitor share, so that none of them depends on the
 * exokernel for it: the kernel interface ({@link exo.os.GuestOs}), what is booted
 * ({@link exo.os.ProgramImage}) and what a run reports ({@link exo.os.RunResult},
 * {@link exo.os.Stats}), the one cost model ({@link exo.os.CostModel}), the options
 * ({@link exo.os.KernelOptions}), console output ({@link exo.os.OutputLines},
 * {@link exo.os.ProgramOutput}) and a program that cannot be booted
 * ({@link exo.os.BootException}); and what the two kernels would otherwise write twice: the run
 * loop ({@link exo.os.RunLoop}) and the table of programs by ASID with its slot search
 * ({@link exo.os.AsidTable}). It depends on the emulator only.
 */
package exo.os;
