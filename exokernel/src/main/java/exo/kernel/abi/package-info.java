/**
 * The kernel calls, defined once: the table ({@link exo.kernel.abi.KernelCall}: number, name,
 * arguments, results, errors, handler), the handlers and dispatcher
 * ({@link exo.kernel.abi.KernelCallHandlers}), and the generator of the guest include file and
 * the ABI document's tables ({@link exo.kernel.abi.AbiDocs}).
 */
package exo.kernel.abi;
