import Job
import Foundation
import Imaging

/// A grid of thumbnails on a dark background, each with its timestamp underneath.
public enum ContactSheet {
    public static func make(_ shots: [ThumbnailTap.Shot], fontPath: String = JobSpecLoader.defaultFont) throws -> RGBAImage {
        guard let first = shots.first else { throw PipelineError.internalFailure("no thumbnails for a contact sheet") }
        let columns = Int(Double(shots.count).squareRoot().rounded(.up))
        let rows = (shots.count + columns - 1) / columns
        let cw = first.image.width, ch = first.image.height
        let gap = 8, label = max(14, cw / 20), labelArea = label + 8
        let width = columns * cw + (columns + 1) * gap
        let height = rows * (ch + labelArea) + (rows + 1) * gap
        var sheet = try RGBAImage(width: width, height: height, fill: .init(r: 24, g: 24, b: 28))
        let renderer = try TextRenderer(fontPath: fontPath)
        for (i, shot) in shots.enumerated() {
            let x0 = gap + (i % columns) * (cw + gap), y0 = gap + (i / columns) * (ch + labelArea + gap)
            blit(shot.image, into: &sheet, x: x0, y: y0)
            let text = timestamp(shot.time)
            if let m = try? renderer.mask(text, pixelSize: label) {
                for y in 0..<m.height where y0 + ch + 4 + y < height {
                    for x in 0..<m.width where x0 + x < width {
                        let a = Int(m.alpha[y * m.width + x])
                        let o = sheet.offset(x: x0 + x, y: y0 + ch + 4 + y)
                        for c in 0..<3 { sheet.pixels[o + c] = UInt8((Int(sheet.pixels[o + c]) * (255 - a) + 235 * a) / 255) }
                    }
                }
            }
        }
        return sheet
    }

    public static func timestamp(_ t: Double) -> String {
        let ms = Int((t * 1000).rounded())
        return String(format: "%02d:%02d.%03d", ms / 60000, (ms / 1000) % 60, ms % 1000)
    }

    static func blit(_ img: RGBAImage, into sheet: inout RGBAImage, x: Int, y: Int) {
        for row in 0..<img.height where y + row < sheet.height {
            let src = row * img.width * 4, dst = sheet.offset(x: x, y: y + row)
            let n = min(img.width, sheet.width - x) * 4
            sheet.pixels.replaceSubrange(dst..<(dst + n), with: img.pixels[src..<(src + n)])
        }
    }
}
