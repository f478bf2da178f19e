# Clasificación del estado de la mar a partir de boletines costeros.
# Codificador GRU con agrupación por atención sobre las palabras del boletín.
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(21)

ESTADOS_MAR = ["calma", "marejadilla", "marejada", "fuerte_marejada"]
RELLENO = 0
DESCONOCIDA = 1

BOLETINES = [
    ("Viento flojo variable, mar llana, buena visibilidad en toda la zona.", "calma"),
    ("Calma en el litoral, visibilidad buena con brumas matinales.", "calma"),
    ("Componente este fuerza 3, marejadilla, aguaceros dispersos.", "marejadilla"),
    ("Poniente fuerza 2 a 3, marejadilla, visibilidad regular.", "marejadilla"),
    ("Levante fuerza 5, marejada, mar de fondo del este de un metro.", "marejada"),
    ("Norte fuerza 4 a 5, marejada, ocasionalmente chubascos.", "marejada"),
    ("Tramontana fuerza 6 a 7, fuerte marejada, mar de fondo del norte de dos metros, aviso costero.", "fuerte_marejada"),
    ("Temporal del oeste fuerza 7, fuerte marejada, visibilidad mala.", "fuerte_marejada"),
]


def trocear(texto):
    return re.findall(r"\w+", texto.lower())


class Vocabulario:
    def __init__(self, textos, frecuencia_minima=1):
        cuentas = Counter(p for t in textos for p in trocear(t))
        self.indices = {"<relleno>": RELLENO, "<desconocida>": DESCONOCIDA}
        for palabra, n in cuentas.most_common():
            if n >= frecuencia_minima:
                self.indices[palabra] = len(self.indices)

    def __len__(self):
        return len(self.indices)

    def codificar(self, texto):
        return [self.indices.get(p, DESCONOCIDA) for p in trocear(texto)]


def generar_lotes(boletines, vocab, tamano_lote):
    for inicio in range(0, len(boletines), tamano_lote):
        trozo = boletines[inicio : inicio + tamano_lote]
        codificados = [vocab.codificar(t) for t, _ in trozo]
        longitud_maxima = max(len(c) for c in codificados)
        ids_tokens = torch.full((len(trozo), longitud_maxima), RELLENO, dtype=torch.long)
        es_relleno = torch.ones((len(trozo), longitud_maxima), dtype=torch.long)
        for i, cod in enumerate(codificados):
            ids_tokens[i, : len(cod)] = torch.tensor(cod)
            es_relleno[i, : len(cod)] = 0
        etiquetas = torch.tensor([ESTADOS_MAR.index(e) for _, e in trozo])
        yield ids_tokens, es_relleno, etiquetas


class AgrupacionAtencion(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.puntuador = nn.Linear(dim, 1)

    def forward(self, estados, es_relleno):
        puntuaciones = self.puntuador(estados).squeeze(-1)
        puntuaciones = puntuaciones.masked_fill(es_relleno, float("-inf"))
        pesos = F.softmax(puntuaciones, dim=-1)
        return torch.bmm(pesos.unsqueeze(1), estados).squeeze(1)


class ClasificadorBoletines(nn.Module):
    def __init__(self, tam_vocab, dim=32):
        super().__init__()
        self.embebido = nn.Embedding(tam_vocab, dim, padding_idx=RELLENO)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.agrupacion = AgrupacionAtencion(dim)
        self.clasificador = nn.Linear(dim, len(ESTADOS_MAR))

    def forward(self, ids_tokens, es_relleno):
        estados, _ = self.gru(self.embebido(ids_tokens))
        return self.clasificador(self.agrupacion(estados, es_relleno))


def main():
    vocab = Vocabulario([t for t, _ in BOLETINES])
    print(f"Vocabulario de boletines: {len(vocab)} palabras")
    modelo = ClasificadorBoletines(len(vocab))
    optimizador = torch.optim.Adam(modelo.parameters(), lr=5e-3)

    for epoca in range(4):
        modelo.train()
        perdidas = []
        for ids_tokens, es_relleno, etiquetas in generar_lotes(BOLETINES, vocab, tamano_lote=3):
            logits = modelo(ids_tokens, es_relleno)
            perdida = F.cross_entropy(logits, etiquetas)
            optimizador.zero_grad()
            perdida.backward()
            optimizador.step()
            perdidas.append(perdida.item())
        print(f"epoca {epoca}: perdida media {sum(perdidas) / len(perdidas):.4f}")

    modelo.eval()
    nuevo = "Levante fuerza 6, fuerte marejada, mar de fondo."
    ids = torch.tensor([vocab.codificar(nuevo)])
    with torch.no_grad():
        pred = modelo(ids, torch.zeros_like(ids, dtype=torch.bool)).argmax(-1).item()
    print(f"Boletin nuevo -> {ESTADOS_MAR[pred]}")


if __name__ == "__main__":
    main()
