import os
import re
import tempfile

import torch
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, models, util

CLAUSES = [
    "This agreement shall be governed by the laws of the state of New York.",
    "This agreement is governed by and construed under New York law.",
    "Either party may terminate this agreement with thirty days written notice.",
    "Either party may end this agreement by giving thirty days notice in writing.",
    "The supplier shall keep all confidential information strictly confidential.",
    "Payment is due within sixty days of the invoice date.",
    "Invoices shall be paid no later than sixty days after the invoice date.",
    "Neither party shall be liable for delays caused by events beyond its reasonable control.",
    ("The receiving party shall not disclose, publish, copy, summarise or otherwise make available any "
     "confidential information of the disclosing party to any third party, including without limitation "
     "its affiliates, contractors, advisers, auditors, insurers or financing sources, except to the extent "
     "that such disclosure is required by applicable law, regulation, court order or the rules of any stock "
     "exchange on which the shares of the receiving party are listed, and in each such case the receiving "
     "party shall give the disclosing party prompt written notice of the requirement and shall cooperate "
     "with any attempt by the disclosing party to obtain a protective order or other remedy."),
    ("The supplier shall indemnify, defend and hold harmless the customer and its officers, directors, "
     "employees and agents from and against any and all claims, losses, damages, liabilities, penalties, "
     "costs and expenses, including reasonable attorneys fees, arising out of or relating to any breach of "
     "this agreement by the supplier, any negligent act or omission of the supplier or its personnel, or any "
     "claim that the deliverables infringe the intellectual property rights of any third party."),
]


def tokenize_words(text):
    return re.findall(r"[a-z]+|[^\sa-z]", text.lower())


def build_encoder_dir(texts, root):
    words = sorted({w for t in texts for w in tokenize_words(t)})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(root, "vocab.txt"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=48, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=96, max_position_embeddings=64)
    torch.manual_seed(0)
    BertModel(config).save_pretrained(root)
    tokenizer.save_pretrained(root)
    return root


def load_sentence_model(path, max_tokens=64):
    word_model = models.Transformer(path, max_seq_length=max_tokens)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


def near_duplicates(model, clauses, threshold=0.97):
    emb = model.encode(clauses, batch_size=4, convert_to_tensor=True, normalize_embeddings=True)
    sims = util.cos_sim(emb, emb)
    pairs = []
    for i in range(len(clauses)):
        for j in range(i + 1, len(clauses)):
            if sims[i, j] >= threshold:
                pairs.append((i, j, float(sims[i, j])))
    return sorted(pairs, key=lambda p: -p[2])


def main():
    model_dir = build_encoder_dir(CLAUSES, tempfile.mkdtemp(prefix="clauses_"))
    encoder = load_sentence_model(model_dir)
    for i, j, score in near_duplicates(encoder, CLAUSES):
        print(f"{score:.3f}  [{i}] {CLAUSES[i][:40]}...  ~  [{j}] {CLAUSES[j][:40]}...")


if __name__ == "__main__":
    main()
