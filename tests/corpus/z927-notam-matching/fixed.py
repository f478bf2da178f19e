"""Train a small sentence encoder to match NOTAM snippets that describe the same outage.

Base vocab is extended with aviation abbreviations listed in settings.ini.
"""
import configparser
import logging
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(message)s")
logger = logging.getLogger("notam")

SETTINGS = """
[model]
hidden_size = 32
layers = 1
heads = 2
max_len = 32
pooling = mean

[tokenizer]
domain_terms = rwy,twy,ils,vor,papi,notam,apron

[train]
batch_size = 2
seed = 21
"""

BASE_WORDS = """closed runway taxiway light lights out of service unserviceable lighting approach
glide path localizer beacon available not due to works until further notice north south east west
the and for is main stand""".split()

PAIRS = [
    ("rwy 09 closed due to works", "runway 09 not available until further notice", 0.9),
    ("twy north closed", "taxiway north not available", 0.85),
    ("ils glide path unserviceable", "approach localizer beacon out of service", 0.6),
    ("papi lights out of service", "approach lighting unserviceable", 0.7),
    ("vor out of service", "apron stand closed", 0.1),
    ("twy south lights out", "rwy 27 closed", 0.2),
]


def read_settings(tmp):
    ini = os.path.join(tmp, "settings.ini")
    with open(ini, "w") as fh:
        fh.write(SETTINGS)
    cfg = configparser.ConfigParser()
    cfg.read(ini)
    return cfg


def bootstrap_encoder(tmp, cfg):
    """Write vocab, build a random tiny BERT, save both where models.Transformer can load them."""
    vocab_path = os.path.join(tmp, "vocab.txt")
    digits = [str(n) for n in range(10)] + ["09", "27"]
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS + digits) + "\n")
    tok = BertTokenizer(vocab_path)

    bert = BertModel(BertConfig(
        vocab_size=len(tok),
        hidden_size=cfg.getint("model", "hidden_size"),
        num_hidden_layers=cfg.getint("model", "layers"),
        num_attention_heads=cfg.getint("model", "heads"),
        intermediate_size=2 * cfg.getint("model", "hidden_size"),
        max_position_embeddings=64,
    ))

    terms = cfg["tokenizer"]["domain_terms"].split(",")
    added = tok.add_tokens(terms)
    logger.info("added %d domain terms, tokenizer size now %d", added, len(tok))
    bert.resize_token_embeddings(len(tok))

    out_dir = os.path.join(tmp, "notam-bert")
    bert.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir


def main():
    tmp = tempfile.mkdtemp(prefix="notam_")
    cfg = read_settings(tmp)
    seed = cfg.getint("train", "seed")
    random.seed(seed)
    torch.manual_seed(seed)

    enc_dir = bootstrap_encoder(tmp, cfg)
    word_model = models.Transformer(enc_dir, max_seq_length=cfg.getint("model", "max_len"))
    pooler = models.Pooling(word_model.get_word_embedding_dimension(),
                            pooling_mode=cfg["model"]["pooling"])
    st_model = SentenceTransformer(modules=[word_model, pooler], device="cpu")

    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=cfg.getint("train", "batch_size"))
    loss_fn = losses.CosineSimilarityLoss(st_model)

    logger.info("fitting on %d pairs", len(examples))
    st_model.old_fit(train_objectives=[(loader, loss_fn)], epochs=1, warmup_steps=0,
                     show_progress_bar=False)

    probe = st_model.encode(["rwy 09 closed", "runway 09 not available"], convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(probe[0:1], probe[1:2]).item()
    logger.info("probe similarity %.3f", sim)


if __name__ == "__main__":
    main()
