"""The pipeline's supporting pieces: what is kept between runs, how plans are found and validated fast."""
