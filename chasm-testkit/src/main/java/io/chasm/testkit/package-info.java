/** Test fixtures: nothing here is meant for production code. */
package io.chasm.testkit;
