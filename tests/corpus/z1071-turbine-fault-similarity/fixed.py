"""Learn embeddings for wind-turbine fault reports so similar faults land close together.

sentence-transformers bi-encoder on top of a tiny randomly initialised BERT saved to a temp dir.
"""
import logging
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.WARNING)
log = logging.getLogger("turbine-embed")
log.setLevel(logging.INFO)

MODEL_DEFAULTS = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=64)
TOKENIZER_DEFAULTS = dict(do_lower_case=True, model_max_length=64)
LOADER_DEFAULTS = dict(batch_size=4, shuffle=True)
FIT_DEFAULTS = dict(epochs=1, warmup_steps=0, show_progress_bar=False, optimizer_params={"lr": 1e-3})

SHORT_REPORTS = [
    "pitch bearing grease leak on blade two",
    "yaw motor overheating during high wind tracking",
    "gearbox oil temperature alarm at rated power",
    "generator bearing vibration high on drive end",
    "converter igbt fault tripped the turbine",
    "blade leading edge erosion found on inspection",
    "anemometer frozen and reporting zero wind",
    "hydraulic brake pressure low after stop",
]

# full-shift narrative from the night crew
SHIFT_LOG = (
    "turbine tripped twice during the night first on gearbox oil temperature alarm at rated power "
    "then on generator bearing vibration high on drive end the crew climbed at dawn and found the "
    "oil cooler fan stopped with a blown fuse and the filter housing partly blocked the fuse was replaced "
    "the filter swapped and the cooler ran normally afterwards vibration readings were logged on the "
    "drive end and non drive end bearings and sent to the condition monitoring team for trend review "
    "no further alarms were raised before handover"
)

PAIRS = [
    (SHORT_REPORTS[2], SHORT_REPORTS[3], 0.6),
    (SHORT_REPORTS[0], SHORT_REPORTS[5], 0.5),
    (SHORT_REPORTS[1], SHORT_REPORTS[6], 0.3),
    (SHORT_REPORTS[4], SHORT_REPORTS[7], 0.2),
    (SHIFT_LOG, SHORT_REPORTS[2], 0.9),
    (SHIFT_LOG, SHORT_REPORTS[5], 0.1),
    (SHORT_REPORTS[3], SHORT_REPORTS[4], 0.3),
    (SHORT_REPORTS[6], SHORT_REPORTS[0], 0.1),
]

# tokenizer settings for this corpus
CORPUS_TOKENIZER = dict(model_max_length=MODEL_DEFAULTS["max_position_embeddings"])


def seed_all(seed=5):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def save_base_encoder(folder, texts, model_kwargs, tokenizer_kwargs):
    words = sorted({w for t in texts for w in t.split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path, **tokenizer_kwargs)
    cfg = BertConfig(vocab_size=len(tok), **model_kwargs)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    log.info("saved base encoder (%d tokens in vocab) to %s", len(tok), folder)
    return folder


def build_bi_encoder(folder, tokenizer_kwargs):
    word = models.Transformer(folder, processor_kwargs=tokenizer_kwargs)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    seed_all()
    all_texts = SHORT_REPORTS + [SHIFT_LOG]
    model_kwargs = {**MODEL_DEFAULTS}
    tokenizer_kwargs = {**TOKENIZER_DEFAULTS, **CORPUS_TOKENIZER}

    folder = save_base_encoder(tempfile.mkdtemp(prefix="turbine_bert_"), all_texts, model_kwargs, tokenizer_kwargs)
    encoder = build_bi_encoder(folder, tokenizer_kwargs)
    log.info("max_seq_length=%s", encoder.max_seq_length)

    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in PAIRS]
    loader_kwargs = {**LOADER_DEFAULTS}
    loader = DataLoader(examples, **loader_kwargs)
    objective = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, objective)], **FIT_DEFAULTS)

    emb = encoder.encode(SHORT_REPORTS[:3], convert_to_tensor=True)
    log.info("embedded %d reports -> %s", emb.shape[0], tuple(emb.shape))


if __name__ == "__main__":
    main()
