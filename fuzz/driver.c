// libFuzzer's main() (from -fsanitize=fuzzer) calls LLVMFuzzerTestOneInput, defined in libMediaworkerFuzz.so.
int mediaworker_fuzz_driver;
