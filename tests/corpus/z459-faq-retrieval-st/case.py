"""Train a small bi-encoder for FAQ retrieval on our support-desk question/answer pairs."""
import os
import re
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast
from sentence_transformers import InputExample, SentenceTransformer, losses, models

torch.manual_seed(42)

FAQ = [
    ("how do i reset my password", "use the forgot password link on the login page"),
    ("where is my order ORD-10233", "you can track ORD-10233 from the orders page"),
    ("can i return the AcmePhone X", "the AcmePhone X can be returned within 30 days"),
    ("how long does shipping take", "standard shipping takes three to five days"),
    ("do you ship abroad", "we ship to most countries in europe"),
    ("my AcmeBuds stopped charging", "try a different cable and reset the AcmeBuds"),
    ("cancel order ORD-55812", "orders can be cancelled before they ship"),
    ("is there a student discount", "students get ten percent off with a valid id"),
]

PLACEHOLDERS = {r"ORD-\d+": "[ORDER_ID]", r"Acme\w+(?: X)?": "[PRODUCT]"}


def normalise(text):
    text = text.lower()
    for pattern, tag in PLACEHOLDERS.items():
        text = re.sub(pattern, tag, text, flags=re.IGNORECASE)
    return text


def build_backbone(corpus, folder):
    words = sorted({w for t in corpus for w in t.split() if not w.startswith("[")})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizerFast(os.path.join(folder, "vocab.txt"), do_lower_case=True)
    tok.add_tokens(list(PLACEHOLDERS.values()), special_tokens=True)

    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


pairs = [(normalise(q), normalise(a)) for q, a in FAQ]
backbone_dir = build_backbone([t for pair in pairs for t in pair], tempfile.mkdtemp())

word_emb = models.Transformer(backbone_dir, max_seq_length=32)
pooling = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
encoder = SentenceTransformer(modules=[word_emb, pooling], device="cpu")

train_examples = [InputExample(texts=[q, a]) for q, a in pairs]
train_loader = DataLoader(train_examples, shuffle=True, batch_size=4)
mnrl = losses.MultipleNegativesRankingLoss(encoder)

encoder.old_fit(
    train_objectives=[(train_loader, mnrl)],
    epochs=2,
    warmup_steps=2,
    optimizer_params={"lr": 1e-3},
    show_progress_bar=False,
)

questions = [q for q, _ in pairs]
answers = [a for _, a in pairs]
q_emb = encoder.encode(questions, convert_to_tensor=True, normalize_embeddings=True)
a_emb = encoder.encode(answers, convert_to_tensor=True, normalize_embeddings=True)
hits = (q_emb @ a_emb.T).argmax(dim=1)
acc = (hits == torch.arange(len(pairs))).float().mean().item()
print(f"top-1 FAQ retrieval accuracy on train pairs: {acc:.2f}")
