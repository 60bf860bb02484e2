/**
 * A system is a machine with a kernel on it: {@link exo.system.KernelKind} names the kernels
 * and builds either. It is the one package that knows both kernels, so it sits above
 * {@code exo.kernel} and {@code exo.baseline}, which know only {@code exo.os}.
 */
package exo.system;
