"""Mine hard negatives from two search indexes (spray-program manuals, grower tickets) and fine-tune a
small sentence-transformers bi-encoder on (question, answer, hard negative) triplets."""
import os
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

torch.manual_seed(5)


@dataclass(frozen=True)
class IndexSettings:
    top_k: int      # neighbours pulled per question
    neg_rank: int   # which neighbour becomes the hard negative (skip the very top: often a paraphrase)


SETTINGS = {
    "tickets": IndexSettings(top_k=4, neg_rank=2),
    "manuals": IndexSettings(top_k=10, neg_rank=7),
}

DOCS = [
    ("manuals", "SP-01", "apply sulfur every seven to ten days from bud break until veraison do not apply sulfur "
                         "above thirty degrees celsius or within two weeks of an oil spray because leaf burn "
                         "follows rotate fungicide groups to slow resistance in powdery mildew populations"),
    ("manuals", "SP-02", "copper sprays protect against downy mildew before rain events keep the seasonal copper "
                         "total under four kilograms per hectare in organic blocks and respect the reentry "
                         "interval of forty eight hours after each copper application"),
    ("manuals", "SP-03", "botrytis sprays go on at bloom closure bunch closure and veraison leaf removal in the "
                         "fruit zone improves spray coverage and drying pre harvest interval for most botrytis "
                         "products is seven to twenty one days check the label"),
    ("tickets", "T-311", "block seven leaves burned after sulfur on a hot afternoon"),
    ("tickets", "T-318", "downy mildew lesions after heavy rain copper missed"),
    ("tickets", "T-322", "grey mould in tight clusters near harvest"),
    ("tickets", "T-330", "crew asked when they can reenter after copper"),
    ("tickets", "T-341", "powdery mildew back despite weekly sulfur"),
]

QUESTIONS = [
    ("can i spray sulfur on a hot day", "do not apply sulfur above thirty degrees celsius"),
    ("how long before workers reenter after copper", "reentry interval of forty eight hours after each copper application"),
    ("when should botrytis sprays go on", "botrytis sprays go on at bloom closure bunch closure and veraison"),
    ("how much copper per season is allowed", "seasonal copper total under four kilograms per hectare"),
    ("why does powdery mildew keep coming back", "rotate fungicide groups to slow resistance in powdery mildew"),
    ("what is the pre harvest interval for botrytis products", "pre harvest interval for most botrytis products is seven to twenty one days"),
]
WINDOW = 12


def build_model():
    words = sorted({w for _, _, t in DOCS for w in t.split()} | {w for q, a in QUESTIONS for w in (q + " " + a).split()})
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(root)
    tok.save_pretrained(root)
    enc = models.Transformer(root, max_seq_length=48)
    pool = models.Pooling(enc.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[enc, pool], device="cpu"), tok


MODEL, TOK = build_model()


def chunk_document(doc):
    """Worker: split a document into word windows, with the word-piece count of every window."""
    index, doc_id, text = doc
    words = text.split()
    out = []
    for start in range(0, len(words), WINDOW):
        piece = " ".join(words[start:start + WINDOW])
        out.append({"index": index, "doc": doc_id, "text": piece, "n_pieces": len(TOK.tokenize(piece)) + 2})
    return out


def mine_negatives(q_vecs, chunk_vecs, cfg):
    sims = q_vecs @ chunk_vecs.T
    top = torch.topk(sims, k=min(cfg.top_k, chunk_vecs.size(0)), dim=1)
    return top.indices[:, cfg.neg_rank]


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        chunk_lists = list(pool.map(chunk_document, DOCS))

    grouped = defaultdict(list)
    for chunks in chunk_lists:
        for c in chunks:
            grouped[c["index"]].append(c)
    for name, chunks in grouped.items():
        print(f"index {name}: {len(chunks)} chunks, longest {max(c['n_pieces'] for c in chunks)} pieces")

    q_vecs = MODEL.encode([q for q, _ in QUESTIONS], convert_to_tensor=True, normalize_embeddings=True)
    examples = []
    for name in grouped:
        cfg = SETTINGS[name]
        chunks = grouped[name]
        c_vecs = MODEL.encode([c["text"] for c in chunks], convert_to_tensor=True, normalize_embeddings=True)
        neg_idx = mine_negatives(q_vecs, c_vecs, cfg)
        for (q, answer), j in zip(QUESTIONS, neg_idx.tolist()):
            if answer not in chunks[j]["text"]:
                examples.append(InputExample(texts=[q, answer, chunks[j]["text"]]))
        print(f"mined {len(examples)} triplets so far (index {name}, top_k={cfg.top_k})")

    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(MODEL)
    MODEL.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=0, show_progress_bar=False)

    after = MODEL.encode([q for q, _ in QUESTIONS], convert_to_tensor=True, normalize_embeddings=True)
    print("question embedding drift:", round((after - q_vecs).norm(dim=1).mean().item(), 4))


if __name__ == "__main__":
    main()
