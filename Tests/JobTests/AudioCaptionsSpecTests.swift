import Foundation
@testable import Job
import Testing

@Suite struct AudioCaptionsSpecTests {
    static func check(_ json: String) -> String? {
        let data = Data("{\"version\":1,\"input\":\"x.mp4\",\"renditions\":[{\"name\":\"a\",\"width\":320,\"height\":180}],\(json)}".utf8)
        do {
            let spec = try JSONDecoder().decode(JobSpec.self, from: data)
            try JobSpecValidator.validate(spec)
            return nil
        } catch let e as JobSpecError {
            return "\(e)"
        } catch {
            return "\(error)"
        }
    }

    @Test func audioAndCaptionsAreValidated() {
        #expect(Self.check(#""audio":{"loudness":-14,"true_peak":-1}"#) == nil)
        #expect(Self.check(#""audio":{"loudness":-2}"#)?.contains("audio.loudness") == true)
        #expect(Self.check(#""audio":{"loudness":-14,"true_peak":3}"#)?.contains("audio.true_peak") == true)
        #expect(Self.check(#""audio":{"loudness":-14,"gain":3}"#)?.contains("unknown field") == true)
        #expect(Self.check(#""captions":{"file":"a.es.srt","language":"es","style":{"size":0.05,"background":"box"}}"#) == nil)
        #expect(Self.check(#""captions":{"file":"a.es.ass","language":"es"}"#)?.contains("captions.file") == true)
        #expect(Self.check(#""captions":{"file":"a.srt","language":"spanish!"}"#)?.contains("captions.language") == true)
        #expect(Self.check(#""captions":{"file":"a.srt","language":"es","style":{"size":0}}"#)?.contains("captions.style.size") == true)
        #expect(Self.check(#""captions":{"file":"a.srt","language":"es","style":{"size":0.9}}"#)?.contains("captions.style.size") == true)
        #expect(Self.check(#""captions":{"file":"a.srt","language":"es","burn":false,"sidecar":false}"#)?.contains("nothing to do") == true)
        #expect(CaptionsSpec.isLanguageTag("pt-BR") && CaptionsSpec.isLanguageTag("zh-Hant") && !CaptionsSpec.isLanguageTag("e"))
    }
}
