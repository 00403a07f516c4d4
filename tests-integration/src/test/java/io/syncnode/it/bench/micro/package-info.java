/**
 * JMH micro-benchmarks of the hot pure parts (issue 13): the rolling checksum, the signature of a
 * basis, delta encode and patch, version-vector compare and merge, and the wire codec of an
 * {@code IndexUpdate}. Run with {@code scripts/bench micro [JMH args]}, never by the tests: the
 * classes are not JUnit tests, and JMH's generated {@code jmh_generated} classes are kept out of
 * Surefire (tests-integration/pom.xml).
 *
 * <p>Why here: tests-integration's test sources already hold the benchmarks
 * ({@code io.syncnode.it.bench}) and are the one place that sees both {@code protocol/} (the pure
 * parts) and {@code node/} (the wire codec) without a new top-level module; JMH's annotation
 * processor runs in its test-compile, and JMH is a test-scoped dependency, so nothing of it reaches
 * the shaded jar.
 *
 * <p>Inputs are made in {@code @Setup} from fixed seeds; each benchmark returns or sinks what it
 * computes, so nothing is optimised away, and checks its result once per trial where a wrong
 * result could pass for a fast one.
 */
package io.syncnode.it.bench.micro;
