/** Booting: {@link exo.kernel.boot.ImageLoader} turns a program image into a new environment. */
package exo.kernel.boot;
