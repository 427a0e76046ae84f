// libFuzzer's main() (from -fsanitize=fuzzer) calls LLVMFuzzerTestOneInput, defined in the linked library
// (libMediaworkerFuzz.so for media and png, libMediaworkerFuzzJob.so for jobspec and hook).
int mediaworker_fuzz_driver;
