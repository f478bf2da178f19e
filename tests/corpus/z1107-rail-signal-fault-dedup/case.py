"""Near-duplicate detection for railway signalling fault tickets.

Maintainers on different lines file the same fault in different words; we train a
small sentence encoder so the helpdesk can merge duplicates. Each ticket is tagged
with its line so the encoder can tell a line-specific fault from a network-wide one.
"""
import functools
import logging
import os
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
logger = logging.getLogger("ticket-dedup")
torch.manual_seed(21)

LINE_TAGS = {"north": "[LN_NORTH]", "coast": "[LN_COAST]", "valley": "[LN_VALLEY]"}

TICKET_PAIRS = [
    ("north", "signal stuck at red after storm", "red aspect not clearing since storm", 0.9),
    ("coast", "track circuit showing occupied with no train", "phantom occupancy on track circuit", 0.95),
    ("valley", "point machine failed to detect", "points not detected in reverse", 0.85),
    ("north", "level crossing barrier slow to rise", "signal lamp flickering at junction", 0.1),
    ("coast", "axle counter reset required", "axle counter disturbed needs reset", 0.9),
    ("valley", "signal lamp failed on main line", "track circuit occupied no train", 0.05),
    ("north", "balise fault reported by driver", "driver reports balise error", 0.9),
    ("coast", "points heater not working in frost", "barrier slow to rise", 0.1),
]

WORDS = sorted({w for _, a, b, _ in TICKET_PAIRS for w in (a + " " + b).split()})


class LazyDataset(torch.utils.data.Dataset):
    def __init__(self, rows, transform=None):
        self.rows = rows
        self.transform = transform

    def with_transform(self, fn):
        return LazyDataset(self.rows, fn)

    @functools.cached_property
    def label_names(self):
        return sorted({r[0] for r in self.rows})

    @functools.cached_property
    def max_len(self):
        return max(len(t.split()) for r in self.rows for t in r[1:3]) + 3

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        line, first, second, score = self.rows[i]
        item = {"line": line, "first": first, "second": second, "score": score}
        return self.transform(item) if self.transform else item


def tag_with_line(item):
    tag = LINE_TAGS[item["line"]]
    return {"texts": [f"{tag} {item['first']}", f"{tag} {item['second']}"],
            "score": float(item["score"])}


def save_base_encoder(folder):
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_encoder(folder, max_len):
    word_emb = models.Transformer(folder, max_seq_length=max_len)
    n_new = word_emb.tokenizer.add_tokens(sorted(LINE_TAGS.values()), special_tokens=True)
    logger.info("registered %d line tags, tokenizer now has %d entries", n_new, len(word_emb.tokenizer))
    pooling = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_emb, pooling], device="cpu")


def main():
    raw = LazyDataset(TICKET_PAIRS)
    tickets = raw.with_transform(tag_with_line)
    logger.info("%d ticket pairs across lines %s", len(tickets), raw.label_names)

    encoder = build_encoder(save_base_encoder(tempfile.mkdtemp()), raw.max_len)
    examples = [InputExample(texts=d["texts"], label=d["score"]) for d in tickets]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss_fn = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, loss_fn)], epochs=2, warmup_steps=1,
                    show_progress_bar=False)

    probe = encoder.encode(["[LN_NORTH] signal stuck at red", "[LN_NORTH] red aspect not clearing"],
                           convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(probe[0:1], probe[1:2]).item()
    print(f"probe similarity: {sim:.3f}")


if __name__ == "__main__":
    main()
