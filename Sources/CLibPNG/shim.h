#ifndef CLIBPNG_SHIM_H
#define CLIBPNG_SHIM_H

/* libpng through the classic API, wrapped so that Swift never meets a longjmp.
 *
 * libpng reports errors by longjmp-ing out of the failing call. A longjmp across Swift frames is
 * undefined behaviour, so every libpng call of a decode happens inside cbpng_decode below, a C
 * function that owns the setjmp; Swift sees only a result code and a message. The classic API (not
 * the simplified png_image_* one) is used for reading because the simplified API applies gamma
 * handling: it treats 16-bit data as linear light, re-encodes it to sRGB when asked for 8-bit, and
 * composites alpha in linear light. The rules here are plain integer arithmetic on the stored
 * samples (what Pillow reads), done after libpng's expansion transforms:
 *   - palette, grey of 1/2/4 bits and tRNS are expanded to RGB(A) by png_set_expand, grey to RGB by
 *     png_set_gray_to_rgb, Adam7 interlacing undone by png_set_interlace_handling; gAMA, cHRM, sRGB
 *     and iCCP chunks are ignored (the stored samples are taken as they are);
 *   - 8-bit sample c with alpha a:   round(c * a / 255)
 *   - 16-bit sample c, no alpha:     round(c * 255 / 65535)
 *   - 16-bit sample c with alpha a:  round(c * a * 255 / 65535^2)
 *   i.e. alpha is composited onto black, and 16-bit samples are reduced to 8 bits by rounding to
 *   nearest. The denominators are odd, so there is never a tie. Writing uses the simplified API,
 *   which cannot longjmp into its caller.
 */

#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Result codes of cbpng_decode and cbpng_encode_rgb. */
#define CBPNG_OK 0
#define CBPNG_NOT_PNG 1
#define CBPNG_TRUNCATED 2
#define CBPNG_CORRUPT 3
#define CBPNG_TOO_LARGE 4
#define CBPNG_NO_MEMORY 5

/* A decode's input, state and result. Lives in the caller's memory (not in cbpng_decode's frame),
 * so what the libpng callbacks write to it survives the longjmp. */
typedef struct cbpng_decoding {
    const uint8_t *data;      /* in: the file's bytes */
    size_t size;              /* in: their count */
    size_t offset;            /* state: bytes consumed */
    int truncated;            /* state: set when libpng asked for bytes past the end */
    uint32_t width;           /* out: set from the header (also when too large) */
    uint32_t height;
    uint8_t *rgb;             /* in: the caller's buffer of `capacity` bytes, or NULL for one malloc'ed here
                                 (released with cbpng_release); out: width*height*3 bytes, 8-bit RGB, row-major */
    size_t capacity;          /* in: bytes at rgb; must be width*height*3 when rgb is the caller's */
    int owned;                /* out: 1 when rgb was allocated here */
    char message[256];        /* out: libpng's reason when decoding failed */
} cbpng_decoding;

static inline void cbpng_set_message(char *target, const char *message) {
    strncpy(target, message ? message : "", 255);
    target[255] = 0;
}

static inline void cbpng_read_bytes(png_structp png, png_bytep out, size_t length) {
    cbpng_decoding *decoding = (cbpng_decoding *)png_get_io_ptr(png);
    if (decoding->size - decoding->offset < length) {
        decoding->truncated = 1;
        png_error(png, "the file ends early");
    }
    memcpy(out, decoding->data + decoding->offset, length);
    decoding->offset += length;
}

static inline void cbpng_on_error(png_structp png, png_const_charp message) {
    cbpng_decoding *decoding = (cbpng_decoding *)png_get_error_ptr(png);
    if (decoding) cbpng_set_message(decoding->message, message);
    png_longjmp(png, 1);
}

static inline void cbpng_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/* One row of libpng's output (3 or 4 channels, 8 or 16 bits, big-endian) to 8-bit RGB. */
static inline void cbpng_convert_row(const uint8_t *in, uint8_t *out, uint32_t width, int channels, int depth) {
    uint32_t x;
    if (depth == 8 && channels == 3) {
        memcpy(out, in, (size_t)width * 3);
    } else if (depth == 8) {
        for (x = 0; x < width; x++, in += 4, out += 3) {
            uint32_t a = in[3];
            out[0] = (uint8_t)((in[0] * a + 127) / 255);
            out[1] = (uint8_t)((in[1] * a + 127) / 255);
            out[2] = (uint8_t)((in[2] * a + 127) / 255);
        }
    } else if (channels == 3) {
        for (x = 0; x < width * 3; x++, in += 2) {
            uint32_t v = ((uint32_t)in[0] << 8) | in[1];
            out[x] = (uint8_t)((v * 255 + 32767) / 65535);
        }
    } else {
        for (x = 0; x < width; x++, in += 8, out += 3) {
            uint64_t a = ((uint64_t)in[6] << 8) | in[7];
            int c;
            for (c = 0; c < 3; c++) {
                uint64_t v = ((uint64_t)in[2 * c] << 8) | in[2 * c + 1];
                out[c] = (uint8_t)((v * a * 255 + 2147418112ULL) / 4294836225ULL);
            }
        }
    }
}

/* Decodes decoding->data into decoding->rgb. Refuses (CBPNG_TOO_LARGE, before allocating) an image
 * wider than max_width, taller than max_height or of more than max_pixels pixels. */
static inline int cbpng_decode(cbpng_decoding *decoding, uint32_t max_width, uint32_t max_height, uint64_t max_pixels) {
    png_structp png;
    png_infop info;
    uint8_t *volatile row = NULL;
    uint8_t *volatile image = NULL;
    png_bytep *volatile rows = NULL;
    uint8_t *volatile rgb = NULL;
    uint8_t *given = decoding->rgb;
    uint32_t width, height, y;
    int channels, depth, passes, color;
    size_t row_bytes;

    decoding->offset = 0;
    decoding->truncated = 0;
    decoding->width = 0;
    decoding->height = 0;
    decoding->rgb = NULL;
    decoding->owned = 0;
    decoding->message[0] = 0;
    if (decoding->size < 8 || png_sig_cmp((png_const_bytep)decoding->data, 0, 8) != 0) {
        cbpng_set_message(decoding->message, "no PNG signature");
        return CBPNG_NOT_PNG;
    }
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoding, cbpng_on_error, cbpng_on_warning);
    if (!png) return CBPNG_NO_MEMORY;
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return CBPNG_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        free(image);
        free(rows);
        free(rgb);
        png_destroy_read_struct(&png, &info, NULL);
        return decoding->truncated ? CBPNG_TRUNCATED : CBPNG_CORRUPT;
    }
    png_set_read_fn(png, decoding, cbpng_read_bytes);
    /* Our own limits decide (below); libpng's default of 1,000,000 would call a big image corrupt. */
    png_set_user_limits(png, 0x7fffffffU, 0x7fffffffU);
#if defined(PNG_IGNORE_ADLER32) && defined(PNG_SET_OPTION_SUPPORTED)
    /* zlib's Adler-32 of the image data is not checked (it costs ~8% of a decode): every IDAT chunk's
     * CRC-32, which libpng still checks, covers the same bytes. */
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
    png_read_info(png, info);
    width = png_get_image_width(png, info);
    height = png_get_image_height(png, info);
    decoding->width = width;
    decoding->height = height;
    if (width > max_width || height > max_height || (uint64_t)width * height > max_pixels) {
        png_destroy_read_struct(&png, &info, NULL);
        return CBPNG_TOO_LARGE;
    }
    color = png_get_color_type(png, info);
    png_set_expand(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    channels = png_get_channels(png, info);
    depth = png_get_bit_depth(png, info);
    row_bytes = png_get_rowbytes(png, info);
    if ((channels != 3 && channels != 4) || (depth != 8 && depth != 16)
        || row_bytes != (size_t)width * (size_t)channels * (size_t)(depth / 8)) {
        png_error(png, "unexpected layout after expansion");
    }
    if (given) {
        if (decoding->capacity != (size_t)width * height * 3) png_error(png, "the image size differs from its header");
    } else {
        rgb = (uint8_t *)malloc((size_t)width * height * 3 + 1);
        if (!rgb) png_error(png, "out of memory");
    }
    if (passes == 1) {
        row = (uint8_t *)malloc(row_bytes);
        if (!row) png_error(png, "out of memory");
        for (y = 0; y < height; y++) {
            png_read_row(png, row, NULL);
            cbpng_convert_row(row, (given ? given : rgb) + (size_t)y * width * 3, width, channels, depth);
        }
    } else {
        image = (uint8_t *)malloc(row_bytes * height + 1);
        rows = (png_bytep *)malloc(sizeof(png_bytep) * height + 1);
        if (!image || !rows) png_error(png, "out of memory");
        for (y = 0; y < height; y++) rows[y] = image + (size_t)y * row_bytes;
        png_read_image(png, rows);
        for (y = 0; y < height; y++) cbpng_convert_row(rows[y], (given ? given : rgb) + (size_t)y * width * 3, width, channels, depth);
    }
    png_read_end(png, NULL);
    free(row);
    free(image);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    decoding->rgb = given ? given : rgb;
    decoding->owned = given ? 0 : 1;
    return CBPNG_OK;
}

/* Releases what a successful cbpng_decode allocated. */
static inline void cbpng_release(cbpng_decoding *decoding) {
    if (decoding->owned) free(decoding->rgb);
    decoding->rgb = NULL;
    decoding->owned = 0;
}

/* Encodes width*height 8-bit RGB pixels (row-major) as a PNG into *out (malloc'ed; release with
 * free via cbpng_free_bytes). */
static inline int cbpng_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height, uint8_t **out, size_t *out_size, char *message) {
    png_image image;
    png_alloc_size_t size = 0;
    uint8_t *buffer;
    *out = NULL;
    *out_size = 0;
    message[0] = 0;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = width;
    image.height = height;
    image.format = PNG_FORMAT_RGB;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, rgb, 0, NULL)) {
        cbpng_set_message(message, image.message);
        png_image_free(&image);
        return CBPNG_CORRUPT;
    }
    buffer = (uint8_t *)malloc(size ? size : 1);
    if (!buffer) return CBPNG_NO_MEMORY;
    if (!png_image_write_to_memory(&image, buffer, &size, 0, rgb, 0, NULL)) {
        cbpng_set_message(message, image.message);
        png_image_free(&image);
        free(buffer);
        return CBPNG_CORRUPT;
    }
    *out = buffer;
    *out_size = size;
    return CBPNG_OK;
}

/* Releases the bytes of cbpng_encode_rgb. */
static inline void cbpng_free_bytes(uint8_t *bytes) {
    free(bytes);
}

#endif
