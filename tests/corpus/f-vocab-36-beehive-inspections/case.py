import os
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

BASE_WORDS = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "hive", "queen", "brood", "frames", "capped", "honey", "pollen", "seen",
    "no", "eggs", "larvae", "colony", "strong", "weak", "calm", "aggressive",
    "added", "super", "treated", "for", "mites", "box", "the", "in", "and",
]

# Hive equipment and pest names the beekeeping team wants kept as single tokens.
DOMAIN_TOKENS = ["varroa", "nuc", "langstroth", "swarmcell"]

INSPECTIONS = [
    "queen seen eggs and larvae in the langstroth box",
    "colony weak no eggs varroa treated for mites",
    "swarmcell capped added super colony strong",
    "nuc calm pollen and capped honey frames",
    "varroa in brood frames colony aggressive",
    "queen seen nuc strong added super",
]


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(words) + "\n")
    return path


def make_encoder(path):
    tok = BertTokenizer(path)
    config = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertModel(config)
    added = tok.add_tokens(DOMAIN_TOKENS)
    print(f"added {added} domain tokens, tokenizer size now {len(tok)}")
    return tok, model


def embed_inspections(tok, model, texts):
    model.eval()
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch)
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (out.last_hidden_state * mask).sum(1) / mask.sum(1)
    return pooled


def most_similar(vectors, texts):
    normed = torch.nn.functional.normalize(vectors, dim=-1)
    sims = normed @ normed.T
    sims.fill_diagonal_(-1.0)
    for i, text in enumerate(texts):
        j = int(sims[i].argmax())
        print(f"{text[:40]:<40} ~ {texts[j][:40]} ({sims[i, j]:.2f})")


def main():
    vocab_path = write_vocab(BASE_WORDS)
    tok, model = make_encoder(vocab_path)
    print("inspection notes:", len(INSPECTIONS))
    vectors = embed_inspections(tok, model, INSPECTIONS)
    print("embedding matrix:", tuple(vectors.shape))
    most_similar(vectors, INSPECTIONS)


if __name__ == "__main__":
    main()
