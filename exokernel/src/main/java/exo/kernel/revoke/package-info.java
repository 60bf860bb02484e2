/** Visible revocation and the abort protocol: {@link exo.kernel.revoke.Revoker}. */
package exo.kernel.revoke;
