/** Placeholder until this module's issue lands. */
package dev.pointsman.tests;
