/** Exception forwarding: {@link exo.kernel.forward.Forwarder}, whose Javadoc is the protocol. */
package exo.kernel.forward;
