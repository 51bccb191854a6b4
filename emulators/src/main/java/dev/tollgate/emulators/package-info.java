/**
 * Local stand-ins for the clouds' services, each started on 127.0.0.1 on a free port and stopped by
 * whoever started it: the local runner, and the tests of the stores that talk to them.
 */
package dev.tollgate.emulators;
