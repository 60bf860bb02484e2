/**
 * The monolithic baseline kernel ({@link exo.baseline.MonoKernel}, docs/baseline.md), measured
 * against the exokernel. It shares {@code exo.os} with the exokernel and nothing else.
 */
package exo.baseline;
