/** The gateway's own usage endpoint: a caller sees its plan and what is left of its quota. */
package dev.tollgate.usage;
