/**
 * Tollgate on Azure, deployed: one ARM template per stage of deploy/stages.yaml that has an {@code azure:}
 * section, written offline by {@code ./tollgate synth --platform azure [STAGE]} ({@link dev.tollgate.azure.arm.AzureSynth})
 * and deployed with {@code az deployment group create} (docs/deploy-azure.md).
 */
package dev.tollgate.azure.arm;
