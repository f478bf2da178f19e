"""Embed herbarium sheet labels so digitised specimens can be matched to catalogue entries.

Label transcriptions carry locality and collector fields; we mark them with
field tokens before encoding so the embedding can tell them apart.
"""
import logging
import os
import random
import tempfile

import torch
import yaml
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("herbarium")

PIPELINE = """
seed: 3
backbone:
  type: bert
  dim: 32
  layers: 1
  heads: 2
  ffn: 64
  positions: 64
  field_tokens: ["[LOC]", "[COLL]", "[DATE]"]
pooling: mean
fit:
  batch_size: 4
  epochs: 1
  warmup: 1
"""

SHEETS = [
    ("[LOC] limestone pavement near river [COLL] harris [DATE] june", "saxifraga on limestone pavement by the river"),
    ("[LOC] coastal dune slack [COLL] okafor [DATE] august", "orchid from a dune slack on the coast"),
    ("[LOC] upland bog margin [COLL] lindqvist [DATE] july", "sundew at the margin of an upland bog"),
    ("[LOC] chalk grassland slope [COLL] harris [DATE] may", "pasqueflower on a chalk grassland slope"),
    ("[LOC] oak woodland ride [COLL] moreau [DATE] april", "wood anemone along an oak woodland ride"),
    ("[LOC] salt marsh creek [COLL] okafor [DATE] september", "sea lavender beside a salt marsh creek"),
    ("[LOC] scree below crag [COLL] lindqvist [DATE] june", "parsley fern in scree below the crag"),
    ("[LOC] river shingle bar [COLL] moreau [DATE] july", "yellow horned poppy on a river shingle bar"),
]


def write_vocab(sheets):
    words = sorted({w for a, b in sheets for w in (a + " " + b).split() if not w.startswith("[")})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def build_bert(spec, vocab_path):
    tokenizer = BertTokenizer(vocab_path)
    encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=spec["dim"],
                                   num_hidden_layers=spec["layers"], num_attention_heads=spec["heads"],
                                   intermediate_size=spec["ffn"], max_position_embeddings=spec["positions"]))
    added = tokenizer.add_special_tokens({"additional_special_tokens": spec["field_tokens"]})
    logger.info("added %d field tokens, tokenizer size %d", added, len(tokenizer))
    out_dir = tempfile.mkdtemp(prefix="herb-bert-")
    encoder.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


BACKBONES = {"bert": build_bert}


class SheetPairs(Dataset):
    """Pairs a transcribed sheet label with its catalogue description."""

    def __init__(self, sheets):
        self.examples = [InputExample(texts=[label, desc]) for label, desc in sheets]

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return self.examples[idx]


def assemble(cfg, vocab_path):
    backbone_dir = BACKBONES[cfg["backbone"]["type"]](cfg["backbone"], vocab_path)
    word = models.Transformer(backbone_dir, max_seq_length=cfg["backbone"]["positions"])
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode=cfg["pooling"])
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    cfg = yaml.safe_load(PIPELINE)
    random.seed(cfg["seed"])
    torch.manual_seed(cfg["seed"])

    model = assemble(cfg, write_vocab(SHEETS))
    loader = DataLoader(SheetPairs(SHEETS), batch_size=cfg["fit"]["batch_size"], shuffle=True)
    objective = losses.MultipleNegativesRankingLoss(model)

    logger.info("fitting on %d sheet/catalogue pairs", len(SHEETS))
    model.old_fit(train_objectives=[(loader, objective)], epochs=cfg["fit"]["epochs"],
                  warmup_steps=cfg["fit"]["warmup"], show_progress_bar=False)

    vecs = model.encode([SHEETS[0][0], SHEETS[0][1]], convert_to_tensor=True, show_progress_bar=False)
    logger.info("cosine(label, catalogue) = %.3f", torch.cosine_similarity(vecs[0], vecs[1], dim=0).item())


if __name__ == "__main__":
    main()
