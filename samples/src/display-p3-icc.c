#include <lcms2.h>
int main(int argc, char **argv) {
    cmsCIExyY white = {0.3127, 0.3290, 1.0};
    cmsCIExyYTRIPLE p = {{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
    double params[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
    cmsToneCurve *c = cmsBuildParametricToneCurve(NULL, 4, params);
    cmsToneCurve *curves[3] = {c, c, c};
    cmsHPROFILE h = cmsCreateRGBProfile(&white, &p, curves);
    cmsMLU *mlu = cmsMLUalloc(NULL, 1);
    cmsMLUsetASCII(mlu, "en", "US", "Display P3");
    cmsWriteTag(h, cmsSigProfileDescriptionTag, mlu);
    return cmsSaveProfileToFile(h, argv[1]) ? 0 : 1;
}
