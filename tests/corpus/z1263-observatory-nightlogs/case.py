"""Fine-tune a tiny sentence encoder on observatory night-log pairs so that the
duty astronomer can search past nights for similar weather/instrument issues."""
import functools
import itertools
import logging
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer import losses, modules

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("nightlog")

random.seed(7)
torch.manual_seed(7)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
LOG_PAIRS = [
    ("dome closed at 01:40 humidity above ninety percent condensation on secondary mirror",
     "humidity climbed past ninety percent so the dome was shut and the mirror fogged", 0.9),
    ("guider lost the star twice during the long exposure wind gusts shaking the tube",
     "strong gusts made the guider drop its lock star during exposures", 0.85),
    ("ccd cooler failed to reach setpoint detector running warm dark current high",
     "the camera cooler could not hold temperature and dark frames were noisy", 0.8),
    ("seeing around one arcsecond clear sky photometric conditions all night long",
     "guider lost the star twice during the long exposure wind gusts shaking the tube", 0.1),
    ("filter wheel stuck between r and i positions had to power cycle the controller "
     "twice before it homed correctly and then it stuck again near the end of the night "
     "so the remaining targets in the queue were observed only in the r band with longer "
     "exposures to compensate for the missing colour information and the lost time",
     "filter wheel jammed and needed a controller reboot", 0.75),
    ("telescope pointing drifted after the meridian flip re-synced on a bright star",
     "ccd cooler failed to reach setpoint detector running warm dark current high", 0.15),
]


def compose(*fns):
    return functools.reduce(lambda f, g: lambda x: g(f(x)), fns, lambda x: x)


def words_of(text):
    return text.lower().split()


def build_vocab(pairs):
    tokens = itertools.chain.from_iterable(
        map(words_of, itertools.chain.from_iterable((a, b) for a, b, _ in pairs))
    )
    return SPECIALS + sorted(set(tokens))


def write_vocab(vocab, folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def make_backbone_saver(folder, max_positions):
    def save(vocab_path):
        vocab = open(vocab_path).read().split()
        cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=max_positions)
        BertModel(cfg).save_pretrained(folder)
        BertTokenizer(vocab_path).save_pretrained(folder)
        log.info("saved backbone to %s (vocab=%d)", folder, len(vocab))
        return folder
    return save


def make_encoder(folder, seq_len):
    word = modules.Transformer(folder, max_seq_length=seq_len)
    pool = modules.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def to_examples(pairs):
    return list(map(lambda p: InputExample(texts=[p[0], p[1]], label=float(p[2])), pairs))


BACKBONE_POSITIONS = 48
# tuned once for the whole project; the long shift-summary logs need headroom
ENCODER_SETTINGS = dict(seq_len=128)

workdir = tempfile.mkdtemp(prefix="nightlog_")
prepare_backbone = compose(
    build_vocab,
    functools.partial(write_vocab, folder=workdir),
    make_backbone_saver(workdir, BACKBONE_POSITIONS),
)
build_encoder = functools.partial(make_encoder, **ENCODER_SETTINGS)

encoder = build_encoder(prepare_backbone(LOG_PAIRS))
examples = to_examples(LOG_PAIRS)
random.shuffle(examples)
log.info("training on %d log pairs", len(examples))

loader = DataLoader(examples, shuffle=True, batch_size=3)
objective = losses.CosineSimilarityLoss(encoder)
encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                show_progress_bar=False)

queries = ["mirror fogged because humidity was high", "camera too warm noisy darks"]
vectors = encoder.encode(queries, convert_to_tensor=True)
log.info("query embedding shape: %s", tuple(vectors.shape))
print("done")
