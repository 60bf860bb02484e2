/**
 * JMH benchmarks of the host implementation (never timed unit tests): host time with warm-up
 * and error bars. Not to be confused with {@code exo.benchmark} in the toolchain, the runner
 * behind {@code exo bench} that reproduces the exokernel paper's tables. Add a class here with
 * {@code @Benchmark} methods; the JMH annotation processor configured in tests/pom.xml
 * generates its harness and {@code package} puts it in {@code tests/target/benchmarks.jar}:
 *
 * <pre>
 * mvn -q -o -DskipTests package -pl tests -am
 * java -jar tests/target/benchmarks.jar -f 1 -wi 3 -i 5 InterpreterBench
 * </pre>
 *
 * A benchmark that measures guest instructions sets {@code @OperationsPerInvocation} to the
 * instructions one invocation runs, so the score reads as guest instructions per second.
 * {@code InterpreterBench} also prints, per iteration, guest instructions per second of the
 * benchmark thread's CPU time, which holds steady when other work shares the machine.
 */
package exo.jmh;
